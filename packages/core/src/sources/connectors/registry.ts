import { DangoError } from '../../errors';
import type { Connector } from './connector';
import { csvConnector } from './csv';
import { mysqlConnector } from './sql/mysql';
import { postgresConnector } from './sql/postgres';

const connectors = new Map<string, Connector>([[csvConnector.type, csvConnector]]);
connectors.set(postgresConnector.type, postgresConnector);
connectors.set(mysqlConnector.type, mysqlConnector);

/** Makes a connector available for sources of its `type` (later connectors: APIs, databases). */
export function registerConnector(connector: Connector): void {
  connectors.set(connector.type, connector);
}

/** The connector for a source type; BAD_REQUEST when no connector handles it. */
export function getConnector(type: string): Connector {
  const connector = connectors.get(type);
  if (!connector) {
    const known = [...connectors.keys()].join(', ');
    throw new DangoError('CONFIG_INVALID', `No connector for source type '${type}' (available: ${known})`);
  }
  return connector;
}
