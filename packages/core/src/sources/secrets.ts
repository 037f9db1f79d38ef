import type { SourceConfig } from '../config/schemas';
import { DangoError } from '../errors';
import type { ConnectorContext } from './connectors/connector';

/** Config keys ending in this name an environment variable that holds the secret (never the secret itself). */
export const SECRET_KEY_SUFFIX = '_env';

/** What replaces a secret's value in every message. */
export const REDACTED = '********';

/**
 * A secret of the source's config block: `key` is a `*_env` key, dotted for nested ones
 * (`auth.token_env`). Returns the variable's value; CONFIG_INVALID naming the variable and the config
 * path (never a value) when the key is missing (unless `optional`) or the variable is unset or empty.
 */
export function readSecret(ctx: Pick<ConnectorContext, 'source' | 'env'>, key: string): string;
/** As above; undefined when the key is absent from the config. */
export function readSecret(ctx: Pick<ConnectorContext, 'source' | 'env'>, key: string, options: { optional: true }): string | undefined;
export function readSecret(ctx: Pick<ConnectorContext, 'source' | 'env'>, key: string, options: { optional?: boolean } = {}): string | undefined {
  const where = `${ctx.source.name}.${ctx.source.type}.${key}`;
  if (!key.endsWith(SECRET_KEY_SUFFIX)) throw new DangoError('CONFIG_INVALID', `${where}: secrets are read from keys ending in ${SECRET_KEY_SUFFIX}`);
  let node: unknown = ctx.source[ctx.source.type];
  for (const part of key.split('.')) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  if (node === undefined || node === null) {
    if (options.optional) return undefined;
    throw new DangoError('CONFIG_INVALID', `Source '${ctx.source.name}' needs ${where} in .dango/sources.yml: the name of the environment variable that holds the secret`);
  }
  if (typeof node !== 'string' || node.trim() === '') {
    throw new DangoError('CONFIG_INVALID', `${where} must name an environment variable`);
  }
  const value = ctx.env[node];
  if (value === undefined || value === '') {
    throw new DangoError('CONFIG_INVALID', `Environment variable ${node} (named by ${where}) is not set; set it in .dango/.env or the environment`);
  }
  return value;
}

/** Every secret value the source's `*_env` keys point at (and the password inside a connection URL). */
export function secretValues(source: SourceConfig, env: Readonly<Record<string, string | undefined>>): string[] {
  const values = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k.endsWith(SECRET_KEY_SUFFIX) && typeof v === 'string') {
          const value = env[v];
          if (value) {
            values.add(value);
            const password = urlPassword(value);
            if (password) values.add(password);
          }
        } else visit(v);
      }
    }
  };
  visit(source);
  return [...values];
}

function urlPassword(value: string): string | null {
  try {
    const url = new URL(value);
    return url.password ? decodeURIComponent(url.password) : null;
  } catch {
    return null;
  }
}

/** Replaces each of `secrets` in a text with `********` (longest first, so a secret containing another goes whole). */
export function createRedactor(secrets: string[]): (text: string) => string {
  const sorted = secrets.filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  if (sorted.length === 0) return (text) => text;
  return (text) => sorted.reduce((out, secret) => out.split(secret).join(REDACTED), text);
}

/** The same error with its message redacted (class and fields kept), for code that stores or shows it. */
export function redactError(err: unknown, redact: (text: string) => string): unknown {
  if (!(err instanceof Error)) return typeof err === 'string' ? redact(err) : err;
  const message = redact(err.message);
  if (message === err.message) return err;
  const copy = Object.assign(Object.create(Object.getPrototypeOf(err) as object) as Error, err);
  Object.defineProperty(copy, 'message', { value: message, writable: true, configurable: true });
  return copy;
}
