import type { SourceConfig } from '../config/schemas';
import type { PlatformContext } from '../context';
import type { CheckResult } from './connectors/connector';
import { createRedactor, redactError, secretValues } from './secrets';
import { failureReason, rawSchema } from './sync-runner';

/** `platform.checkSource(name)`: what a sync would load, found without loading; a failure is `ok: false`. */
export interface SourceCheck {
  source: string;
  type: string;
  ok: boolean;
  tables: CheckResult['tables'];
  /** Why the check failed (secrets redacted). */
  error?: string;
}

/**
 * Validates the source and asks its connector to connect and list its tables. Every failure (an
 * unknown type, a bad config, an unreachable host, bad credentials, a missing table) is reported
 * as `ok: false` with a message that never contains the source's secrets.
 */
export async function checkSource(ctx: PlatformContext, source: SourceConfig): Promise<SourceCheck> {
  const redact = createRedactor(secretValues(source, ctx.env));
  const base = { source: source.name, type: source.type };
  try {
    const connector = ctx.connectors.get(source.type);
    connector.validate?.(source);
    if (!connector.check) {
      return { ...base, ok: false, tables: [], error: `The ${source.type} connector cannot check a source without syncing it (it has no check())` };
    }
    const result = await connector.check({ source, schema: rawSchema(source.name), root: ctx.root, warehouse: ctx.warehouse, env: ctx.env }, connector.config(source));
    return { ...base, ok: true, tables: result.tables };
  } catch (err) {
    return { ...base, ok: false, tables: [], error: redact(failureReason(redactError(err, redact))) };
  }
}
