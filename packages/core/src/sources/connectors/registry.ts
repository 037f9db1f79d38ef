import { DangoError } from '../../errors';
import type { Connector } from './connector';
import { csvConnector } from './csv';
import { localFilesConnector } from './local-files';
import { restApiConnector } from './rest-api/rest-api';
import { stripeConnector } from './stripe/stripe';
import { mysqlConnector } from './sql/mysql';
import { postgresConnector } from './sql/postgres';

/** The connectors every platform has. */
export const BUILTIN_CONNECTORS: readonly Connector[] = [csvConnector, localFilesConnector, postgresConnector, mysqlConnector, restApiConnector, stripeConnector] as Connector[];

/** The source types one platform knows: the built-ins plus the app's own (`DangoPlatform.open({ connectors })`). */
export interface ConnectorRegistry {
  /** The connector for a source type; CONFIG_INVALID naming the known types when none handles it. */
  get(type: string): Connector;
  /** The connector for a source type, or undefined. */
  find(type: string): Connector | undefined;
  /** Every known type, built-ins first. */
  types(): string[];
}

/** A registry of the built-in connectors and `extra`; a type registered twice is CONFIG_INVALID. */
export function createConnectorRegistry(extra: readonly Connector[] = []): ConnectorRegistry {
  const connectors = new Map<string, Connector>();
  for (const connector of [...BUILTIN_CONNECTORS, ...extra]) {
    if (typeof connector?.type !== 'string' || typeof connector.prepare !== 'function' || !connector.configSchema) {
      throw new DangoError('CONFIG_INVALID', 'A connector needs a type, a configSchema and prepare(); make it with defineConnector()');
    }
    if (connectors.has(connector.type)) throw new DangoError('CONFIG_INVALID', `Two connectors for source type '${connector.type}'`);
    connectors.set(connector.type, connector);
  }
  const types = (): string[] => [...connectors.keys()];
  return {
    find: (type) => connectors.get(type),
    get(type) {
      const connector = connectors.get(type);
      if (!connector) throw new DangoError('CONFIG_INVALID', `No connector for source type '${type}' (available: ${types().join(', ')})`);
      return connector;
    },
    types,
  };
}
