import { z } from 'zod';
import { cronProblem, timezoneProblem } from '../schedules/cron';

/** Source names become schema names (`raw_<name>`), so they are restricted to safe identifiers. */
export const SOURCE_NAME_RE = /^[a-z][a-z0-9_]*$/;

/** Longest source name: `raw_<name>` fits the 63-character identifier limit of PostgreSQL (where a dbt project may move), and file names built from it fit every file system. */
export const MAX_SOURCE_NAME_CHARS = 59;

const url = z.string().url();

const BYTE_UNITS: Record<string, number> = { kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/** Below this DuckDB cannot even hold its catalog; the limit must leave room for a real load. */
const MIN_MEMORY_LIMIT_BYTES = 64 * 2 ** 20;

/** A DuckDB memory limit such as `512MB` or `2GiB` (units DuckDB accepts), at least 64 MiB. */
export const memoryLimitSchema = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?\s*(kb|mb|gb|tb|kib|mib|gib|tib)$/i, "must be a size with a unit, such as '512MB' or '2GiB'")
  .refine((v) => {
    const size = /^([\d.]+)\s*([a-z]+)$/i.exec(v);
    const factor = size && BYTE_UNITS[size[2]!.toLowerCase()];
    // Not a size at all: the pattern above already said so.
    return !factor || Number(size[1]) * factor >= MIN_MEMORY_LIMIT_BYTES;
  }, 'must be at least 64MiB (DuckDB needs room for its catalog and a load)');

/** `platform.duckdb`: DuckDB settings applied when the warehouse opens. */
export const duckdbSettingsSchema = z
  .object({
    memory_limit: memoryLimitSchema.optional(),
    threads: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1024).optional(),
    temp_directory: z.string().trim().min(1, 'must be a directory path').optional(),
  })
  .strict();

/** `.dango/project.yml`: the keys of the Python Dango, with its defaults. */
export const projectFileSchema = z.strictObject({
  project: z
    .strictObject({
      name: z.string().min(1).default('dango-project'),
      organization: z.string().default(''),
      description: z.string().optional(),
      // The Python Dango's project context, kept so a project moves between the two.
      created: z.unknown().optional(),
      created_by: z.unknown().optional(),
      purpose: z.unknown().optional(),
      stakeholders: z.unknown().optional(),
      sla: z.unknown().optional(),
      limitations: z.unknown().optional(),
      getting_started: z.unknown().optional(),
    })
    .default({ name: 'dango-project', organization: '' }),
  platform: z
    .strictObject({
      port: z.number().int().min(1).max(65535).default(8800),
      host: z.string().default('127.0.0.1'),
      metabase_url: z.union([url, z.literal(false), z.null()]).default('http://localhost:3000'),
      /** Absent or false: Dango serves the dbt docs itself from the artifacts. */
      dbt_docs_url: z.union([url, z.literal(false), z.null()]).optional(),
      duckdb_path: z.string().min(1).default('data/warehouse.duckdb'),
      dbt_project_dir: z.string().min(1).default('dbt'),
      auto_sync: z.boolean().default(true),
      auto_dbt: z.boolean().default(true),
      debounce_seconds: z.number().min(0).default(600),
      watch_patterns: z.array(z.string().min(1)).default(['*.csv']),
      watch_directories: z.array(z.string().min(1)).default(['data/uploads']),
      max_upload_mb: z.number().positive().default(1024),
      transform_engine: z.enum(['embedded', 'dbt']).default('embedded'),
      dbt_executable: z.string().min(1).default('dbt'),
      threads: z.number().int().min(1).max(64).default(4),
      metabase_database_id: z.number().int().nullable().default(null),
      duckdb: duckdbSettingsSchema.optional(),
    })
    .prefault({}),
});

/** A parsed, defaulted `.dango/project.yml`. */
export type ProjectFile = z.infer<typeof projectFileSchema>;

/** The settings block of `.dango/project.yml`. */
export type PlatformSettings = ProjectFile['platform'];

/**
 * One entry of `.dango/sources.yml`; the type-specific block sits under the key named by `type` and is
 * validated by its connector. Other keys are refused when the project loads (`sourceKeyIssues`), as the
 * allowed set depends on `type`.
 */
export const sourceSchema = z
  .object({
    name: z
      .string()
      .max(MAX_SOURCE_NAME_CHARS, `at most ${MAX_SOURCE_NAME_CHARS} characters (raw_<name> must stay a valid schema name, and file names are built from it)`)
      .regex(SOURCE_NAME_RE, 'must match ^[a-z][a-z0-9_]*$ (lower case, digits, underscores)'),
    type: z.string().min(1),
    enabled: z.boolean().default(true),
    description: z.string().optional(),
    /** Cron expression (5 fields, or 6 with seconds); runs only on a platform opened with `schedules` (`dango start`). */
    schedule: z.string().trim().min(1, 'must be a cron expression such as "0 * * * *"').nullable().optional(),
    /** IANA time zone the schedule is read in; default: the machine's. */
    timezone: z.string().trim().min(1).optional(),
    /** How often a failed scheduled sync is tried again (exponential backoff); default 2. */
    retries: z.number().int('must be a whole number').min(0).max(10).optional(),
    /** Where to post a message when a sync fails; the webhook URL is a secret, named by `webhook_url_env`. */
    notify: z.strictObject({ webhook_url_env: z.string({ error: 'must name the environment variable holding the webhook URL' }).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must name an environment variable') }).optional(),
  })
  .passthrough()
  .superRefine((source, ctx) => {
    const zone = source.timezone === undefined ? null : timezoneProblem(source.timezone);
    if (zone) ctx.addIssue({ code: 'custom', path: ['timezone'], message: `source '${source.name}': ${zone}` });
    const cron = source.schedule && !zone ? cronProblem(source.schedule, source.timezone) : null;
    if (cron) ctx.addIssue({ code: 'custom', path: ['schedule'], message: `source '${source.name}': ${cron}` });
  });

/** Failed scheduled syncs are tried again this many times unless the source sets `retries`. */
export const DEFAULT_SCHEDULE_RETRIES = 2;

/** A configured source, as written in `sources.yml` (with defaults applied). */
export type SourceConfig = z.infer<typeof sourceSchema> & { [key: string]: unknown };

/** `.dango/sources.yml`. */
export const sourcesFileSchema = z
  .strictObject({ sources: z.array(sourceSchema).nullable().default([]) })
  .transform((f) => ({ sources: f.sources ?? [] }))
  .superRefine((f, ctx) => {
    const seen = new Map<string, number>();
    f.sources.forEach((s, i) => {
      const first = seen.get(s.name);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['sources', i, 'name'], message: `duplicate source name '${s.name}' (also at sources[${first}])` });
      } else seen.set(s.name, i);
    });
  });

/** A parsed `.dango/sources.yml`. */
export type SourcesFile = z.infer<typeof sourcesFileSchema>;
