import { z } from 'zod';
import { parseConfigValue, type SourceConfig } from '../../../config';
import { DangoError } from '../../../errors';
import type { CheckContext } from '../connector';

const tableName = z.string().min(1);

/** The `incremental` entry of one table. */
const incrementalTableSchema = z
  .object({
    cursor: z.string().min(1),
    /** Overrides the primary key read from the catalog. */
    primary_key: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** Overrides the default (merge with a primary key, else append). */
    write_disposition: z.enum(['replace', 'append', 'merge']).optional(),
  })
  .strict();

/** The config block of a database source (`postgres:` or `mysql:`); unknown keys are rejected. */
export const sqlSourceConfigSchema = z
  .object({
    /** Names the environment variable holding a full connection URL (it carries the password). */
    connection_string_env: z.string().min(1).optional(),
    host: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    database: z.string().min(1).optional(),
    user: z.string().min(1).optional(),
    /** Names the environment variable holding the password; the password itself never lives in sources.yml. */
    password_env: z.string().min(1).optional(),
    ssl: z.boolean().optional(),
    schema: z.string().min(1).optional(),
    tables: z.array(tableName).min(1).optional(),
    exclude: z.array(tableName).default([]),
    incremental: z.record(tableName, incrementalTableSchema).default({}),
  })
  .strict()
  .refine((c) => c.connection_string_env !== undefined || c.host !== undefined, {
    message: 'set connection_string_env, or host (with port, database, user, password_env)',
  })
  .refine((c) => c.connection_string_env === undefined || [c.host, c.port, c.database, c.user, c.password_env].every((v) => v === undefined), {
    message: 'connection_string_env excludes host, port, database, user and password_env',
  });

/** A database source's config, defaulted. */
export type SqlSourceConfig = z.infer<typeof sqlSourceConfigSchema>;

/** Parses the `<type>:` block of a source; CONFIG_INVALID naming the key path. */
export function parseSqlConfig(source: SourceConfig, type: string): SqlSourceConfig {
  const parsed = parseConfigValue(sqlSourceConfigSchema, (source as Record<string, unknown>)[type] ?? {}, [type]);
  if (parsed.data !== undefined) return parsed.data;
  const issue = parsed.issues[0]!;
  throw new DangoError('CONFIG_INVALID', `Source '${source.name}': ${issue.path}: ${issue.message}`);
}

/**
 * The environment secrets are read from: the context's (the project's `.dango/.env` merged over the
 * process environment) or, without one, the process environment. The one place connectors read it.
 */
export function sourceEnv(ctx: Pick<CheckContext, 'env'>): Readonly<Record<string, string | undefined>> {
  return ctx.env ?? process.env;
}

/** The value of the environment variable a `*_env` key names; CONFIG_INVALID (naming the variable, never a value) when unset. */
export function secretFromEnv(ctx: Pick<CheckContext, 'env' | 'source'>, key: string, variable: string): string {
  const value = sourceEnv(ctx)[variable];
  if (value === undefined || value === '') {
    throw new DangoError('CONFIG_INVALID', `Source '${ctx.source.name}': environment variable ${variable} (named by ${key}) is not set; add it to .dango/.env or the environment`);
  }
  return value;
}

/** Replaces every secret in a message with asterisks (driver messages can echo what they were given). */
export function scrubSecrets(message: string, secrets: Array<string | undefined>): string {
  let out = message;
  for (const s of secrets) if (s && s.length >= 3) out = out.split(s).join('********');
  return out;
}
