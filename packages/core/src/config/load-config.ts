import { statSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { DangoError } from '../errors';
import { readTextIfExists } from '../files';
import { projectPaths, resolveInProject } from './paths';
import { projectFileSchema, sourcesFileSchema, type ProjectFile, type SourceConfig } from './schemas';

/** A project's validated configuration. */
export interface ProjectConfig {
  root: string;
  project: ProjectFile['project'];
  platform: ProjectFile['platform'];
  sources: SourceConfig[];
}

function formatPath(p: ReadonlyArray<PropertyKey>): string {
  return p.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '');
}

function invalid(displayName: string, issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): DangoError {
  const lines = issues.slice(0, 5).map((i) => `${formatPath(i.path) || '(root)'}: ${i.message}`);
  return new DangoError('CONFIG_INVALID', `Invalid ${displayName}: ${lines.join('; ')}`);
}

/** Parses YAML text and validates it, with errors that name the file, the path inside it and the problem. */
export function parseConfigText<S extends z.ZodType>(schema: S, text: string, displayName: string): z.output<S> {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const where = e.linePos?.[0] ? ` (line ${e.linePos[0].line}, column ${e.linePos[0].col})` : '';
    throw new DangoError('CONFIG_INVALID', `Invalid ${displayName}${where}: ${e.message.split('\n')[0]}`);
  }
  const data = doc.toJS() ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new DangoError('CONFIG_INVALID', `Invalid ${displayName}: expected a mapping at the top level`);
  }
  const result = schema.safeParse(data);
  if (!result.success) throw invalid(displayName, result.error.issues);
  return result.data;
}

/** The source types a project is validated against (a platform's connector registry satisfies it). */
export interface SourceTypes {
  find(type: string): { configSchema: z.ZodType } | undefined;
}

/**
 * Validates each source's `<type>:` block with its connector's schema and stores the parsed (defaulted)
 * block. A type no connector handles is left for the sync to refuse, so one unknown source (e.g. an
 * app's own type seen by the CLI) does not stop the others from loading.
 */
export function validateSourceBlocks(sources: SourceConfig[], types: SourceTypes, displayName: string): SourceConfig[] {
  const issues: Array<{ path: PropertyKey[]; message: string }> = [];
  const parsed = sources.map((source, i) => {
    const schema = types.find(source.type)?.configSchema;
    if (!schema) return source;
    const result = schema.safeParse(source[source.type] ?? {});
    if (!result.success) {
      for (const issue of result.error.issues) issues.push({ path: ['sources', i, source.type, ...issue.path], message: issue.message });
      return source;
    }
    return { ...source, [source.type]: result.data };
  });
  if (issues.length > 0) throw invalid(displayName, issues);
  return parsed;
}

/** Options of `loadProjectConfig`. */
export interface LoadConfigOptions {
  /** The source types to validate against; default: the built-in connectors. */
  connectors?: SourceTypes;
}

/** Loads `.dango/project.yml` and `.dango/sources.yml`; a missing project file is an error, a missing sources file means no sources. */
export async function loadProjectConfig(root: string, options: LoadConfigOptions = {}): Promise<ProjectConfig> {
  const paths = projectPaths(root);
  const projectText = await readTextIfExists(paths.projectFile);
  if (projectText === null) {
    throw new DangoError('NOT_FOUND', `No Dango project at ${paths.root}: ${path.relative(paths.root, paths.projectFile)} is missing (run \`dango init\`)`);
  }
  const projectFile = parseConfigText(projectFileSchema, projectText, '.dango/project.yml');
  const sourcesText = await readTextIfExists(paths.sourcesFile);
  const sourcesFile = sourcesText === null ? { sources: [] } : parseConfigText(sourcesFileSchema, sourcesText, '.dango/sources.yml');
  // Imported when called, not at module load: the connectors import config, so a static import would be a cycle.
  const types = options.connectors ?? (await import('../sources/connectors/registry')).createConnectorRegistry();
  const sources = validateSourceBlocks(sourcesFile.sources as SourceConfig[], types, '.dango/sources.yml');
  const config = { root: paths.root, project: projectFile.project, platform: projectFile.platform, sources };
  checkConfiguredPaths(config);
  return config;
}

/** Why the file system would refuse `configured` (a file, or a folder when `folder`), or null: a name over 255 bytes, or a non-folder on the way. */
function pathProblem(root: string, configured: string, folder: boolean): string | null {
  const long = configured.split(/[\\/]+/).find((part) => Buffer.byteLength(part) > 255);
  if (long !== undefined) return `the name '${long.slice(0, 40)}...' is longer than 255 bytes, the limit of file systems`;
  const target = resolveInProject(root, configured);
  for (let p = folder ? target : path.dirname(target); ; p = path.dirname(p)) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      if (path.dirname(p) === p) return null;
      continue; // not there yet: created on demand
    }
    if (isDir) return null;
    const shown = path.isAbsolute(configured) ? p : path.relative(root, p);
    return `'${configured}' cannot be created: ${shown} is not a folder`;
  }
}

/** Refuses, naming file and key, paths the platform would only fail on later with a raw errno (ENAMETOOLONG, EEXIST, ENOTDIR). */
function checkConfiguredPaths(config: ProjectConfig): void {
  const p = config.platform;
  const checks: Array<[string, string, string, boolean]> = [
    ['.dango/project.yml', 'platform.duckdb_path', p.duckdb_path, false],
    ['.dango/project.yml', 'platform.dbt_project_dir', p.dbt_project_dir, true],
    ...p.watch_directories.map((d, i): [string, string, string, boolean] => ['.dango/project.yml', `platform.watch_directories[${i}]`, d, true]),
  ];
  config.sources.forEach((source, i) => {
    const block = source[source.type] as { directory?: unknown } | undefined;
    if (typeof block?.directory === 'string') checks.push(['.dango/sources.yml', `sources[${i}].${source.type}.directory`, block.directory, true]);
  });
  for (const [file, key, value, folder] of checks) {
    if (value === ':memory:') continue;
    const problem = pathProblem(config.root, value, folder);
    if (problem) throw new DangoError('CONFIG_INVALID', `Invalid ${file}: ${key}: ${problem}`);
  }
}

const SECRET_KEY = /(password|passwd|secret|token|api_?key|private_?key|credentials?)$/i;

/** A deep copy of a config value with literal secrets masked; `*_env` fields name env vars and are kept. */
export function maskSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k) && !k.endsWith('_env') && v !== null && typeof v !== 'object' ? '********' : maskSecrets(v);
    }
    return out as T;
  }
  return value;
}
