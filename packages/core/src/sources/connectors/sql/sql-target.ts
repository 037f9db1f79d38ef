import { DangoError, isDangoError } from '../../../errors';
import type { CheckContext } from '../connector';
import { scrubSecrets, secretFromEnv, type SqlSourceConfig } from './sql-config';

/** Where a SQL source connects, as far as its messages need it (never the connection string). */
export interface SqlTarget {
  /** `host:port` for messages. */
  where: string;
  user: string;
  /** Scrubbed from every driver message. */
  secrets: string[];
}

/** A SQL source's server: its connection string, or the separate config keys with their defaults. */
export type SqlEndpoint = SqlTarget &
  (
    | { url: string; database: string | undefined }
    | { url?: undefined; host: string; port: number; password: string | undefined; database: string | undefined; ssl: { rejectUnauthorized: false } | undefined }
  );

/** Resolves the server of a SQL source from its config and env (secrets read from the named variables). */
export function resolveEndpoint(ctx: CheckContext, config: SqlSourceConfig, defaults: { port: number; user: string }): SqlEndpoint {
  if (config.connection_string_env) {
    const url = secretFromEnv(ctx, 'connection_string_env', config.connection_string_env);
    let where = 'the configured server';
    let user = 'the configured user';
    let password: string | undefined;
    let database: string | undefined;
    try {
      const parsed = new URL(url);
      where = `${parsed.hostname}:${parsed.port || defaults.port}`;
      user = decodeURIComponent(parsed.username) || user;
      password = decodeURIComponent(parsed.password) || undefined;
      database = decodeURIComponent(parsed.pathname.slice(1)) || undefined;
    } catch {
      /* not a URL (pg's key=value string, or a malformed URI the driver reports itself): messages stay generic */
    }
    return { url, where, user, database, secrets: [url, password].filter((s): s is string => Boolean(s)) };
  }
  const password = config.password_env ? secretFromEnv(ctx, 'password_env', config.password_env) : undefined;
  const host = config.host ?? '127.0.0.1';
  const port = config.port ?? defaults.port;
  const user = config.user ?? defaults.user;
  return {
    host,
    port,
    user,
    password,
    database: config.database,
    ssl: config.ssl ? { rejectUnauthorized: false } : undefined,
    where: `${host}:${port}`,
    secrets: password ? [password] : [],
  };
}

/** Network error codes that mean the server could not be reached (or the connection dropped). */
export const UNREACHABLE_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'ENETUNREACH']);

/** The failures whose message every SQL source words the same way. */
export type SqlFailureKind = 'unreachable' | 'password' | 'permission' | 'missing-table';

/** What a driver's error classifier may use to word a failure of its own. */
export interface SqlFailureFacts {
  target: SqlTarget;
  /** The driver's message, secrets scrubbed. */
  raw: string;
  /** `source '<name>'`. */
  of: string;
  /** ` reading <schema>.<table>` while a table is read, else empty. */
  reading: string;
}

/** Sorts a driver error by its code: a shared kind, a message of the driver's own, or undefined (a generic error). */
export type SqlFailureClassifier = (code: string | undefined, facts: SqlFailureFacts) => SqlFailureKind | DangoError | undefined;

/** A driver error as a clear message naming the source (and the table being read); secrets scrubbed. */
export function sqlFailure(label: string, classify: SqlFailureClassifier, err: unknown, source: string, t: SqlTarget, schema: string, table: string | undefined): DangoError {
  if (isDangoError(err)) return err;
  const e = err as { code?: string; message?: string };
  const raw = scrubSecrets(e.message ?? String(err), t.secrets);
  const of = `source '${source}'`;
  const reading = table ? ` reading ${schema}.${table}` : '';
  const kind = classify(e.code, { target: t, raw, of, reading });
  if (kind instanceof DangoError) return kind;
  switch (kind) {
    case 'unreachable':
      return new DangoError('UPSTREAM', `Cannot reach the ${label} server at ${t.where} (${of})${reading}: ${e.code ?? raw}`);
    case 'password':
      return new DangoError('UPSTREAM', `${label} at ${t.where} rejected the password of user ${t.user} (${of})`);
    case 'permission':
      return new DangoError('UPSTREAM', `Permission denied${reading} (${of}): grant SELECT on it to user ${t.user}`);
    case 'missing-table':
      return new DangoError('NOT_FOUND', `Table ${schema}.${table ?? '?'} not found (${of})`);
    default:
      return new DangoError('UPSTREAM', `${label} error${reading} (${of}): ${raw}`);
  }
}
