import { statSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { DangoError } from '../errors';
import { readTextIfExists } from '../files';
import { projectPaths, resolveInProject } from './paths';
import { projectFileSchema, sourceSchema, sourcesFileSchema, type ProjectFile, type SourceConfig } from './schemas';
import { formatIssuePath, parseConfigValue, unknownKeyMessage, type ConfigIssue } from './unknown-keys';

/** A project's validated configuration. */
export interface ProjectConfig {
  root: string;
  project: ProjectFile['project'];
  platform: ProjectFile['platform'];
  sources: SourceConfig[];
}

/** The problems of one config file, each naming its path inside the file. */
export interface ConfigFileIssues {
  /** The file as the project names it, e.g. `.dango/sources.yml`. */
  file: string;
  issues: ConfigIssue[];
}

/** How many problems an error message lists before it says how many more there are. */
const MAX_LISTED = 10;

function invalid(displayName: string, issues: readonly ConfigIssue[]): DangoError {
  // A syntax error is the only problem of its file: it reads as one sentence.
  if (issues.length === 1 && issues[0]!.path.startsWith('(')) return new DangoError('CONFIG_INVALID', `Invalid ${displayName} ${issues[0]!.path}: ${issues[0]!.message}`);
  const lines = issues.slice(0, MAX_LISTED).map((i) => `${i.path || '(root)'}: ${i.message}`);
  if (issues.length > MAX_LISTED) lines.push(`and ${issues.length - MAX_LISTED} more (run \`dango validate\` to see all)`);
  return new DangoError('CONFIG_INVALID', `Invalid ${displayName}: ${lines.join('; ')}`);
}

/** Parses YAML text and validates it; a syntax error is one issue that names its line and column. */
export function checkConfigText<S extends z.ZodType>(schema: S, text: string): { data?: z.output<S>; issues: ConfigIssue[] } {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const where = e.linePos?.[0] ? `(line ${e.linePos[0].line}, column ${e.linePos[0].col})` : '(yaml)';
    return { issues: [{ path: where, message: e.message.split('\n')[0]! }] };
  }
  const data = doc.toJS() ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) return { issues: [{ path: '', message: 'expected a mapping at the top level' }] };
  return parseConfigValue(schema, data);
}

/** Parses YAML text and validates it, with errors that name the file, the path inside it and the problem. */
export function parseConfigText<S extends z.ZodType>(schema: S, text: string, displayName: string): z.output<S> {
  const { data, issues } = checkConfigText(schema, text);
  if (issues.length > 0) throw invalid(displayName, issues);
  return data as z.output<S>;
}

/** The source types a project is validated against (a platform's connector registry satisfies it). */
export interface SourceTypes {
  find(type: string): { configSchema: z.ZodType } | undefined;
}

/** The keys a source entry may have besides its `<type>:` block. */
const SOURCE_KEYS = Object.keys(sourceSchema.shape);

/** A source entry's keys that are neither common keys nor its `<type>:` block, each with its close match. */
export function sourceKeyIssues(sources: readonly unknown[]): ConfigIssue[] {
  return sources.flatMap((source, i) => {
    if (!source || typeof source !== 'object' || Array.isArray(source)) return [];
    const type = (source as { type?: unknown }).type;
    const known = typeof type === 'string' ? [...SOURCE_KEYS, type] : SOURCE_KEYS;
    return Object.keys(source)
      .filter((key) => !known.includes(key))
      .map((key) => ({ path: formatIssuePath(['sources', i, key]), message: unknownKeyMessage(key, known) }));
  });
}

/**
 * Validates each source's `<type>:` block with its connector's schema and returns the sources with
 * their parsed (defaulted) blocks, and every issue. A type no connector handles is left for the sync
 * to refuse, so one unknown source (e.g. an app's own type seen by the CLI) does not stop the others.
 */
export function checkSourceBlocks(sources: SourceConfig[], types: SourceTypes): { sources: SourceConfig[]; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const parsed = sources.map((source, i) => {
    const schema = types.find(source.type)?.configSchema;
    if (!schema) return source;
    const result = parseConfigValue(schema, source[source.type] ?? {}, ['sources', i, source.type]);
    issues.push(...result.issues);
    return result.data === undefined ? source : { ...source, [source.type]: result.data };
  });
  return { sources: parsed, issues };
}

/** Options of `loadProjectConfig`. */
export interface LoadConfigOptions {
  /** The source types to validate against; default: the built-in connectors. */
  connectors?: SourceTypes;
}

/** The raw entries of a sources file, for checks that must run even when the file as a whole is invalid. */
function rawSources(text: string): unknown[] {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return [];
  const sources = (doc.toJS() as { sources?: unknown } | null)?.sources;
  return Array.isArray(sources) ? sources : [];
}

/**
 * Every problem of a project's config files at once (syntax, schema, unknown keys with their close
 * match, each source's block, configured paths), and the config when there is none.
 */
export async function checkProjectConfig(root: string, options: LoadConfigOptions = {}): Promise<{ config?: ProjectConfig; problems: ConfigFileIssues[] }> {
  const paths = projectPaths(root);
  const projectText = await readTextIfExists(paths.projectFile);
  if (projectText === null) {
    throw new DangoError('NOT_FOUND', `No Dango project at ${paths.root}: ${path.relative(paths.root, paths.projectFile)} is missing (run \`dango init\`)`);
  }
  const project = checkConfigText(projectFileSchema, projectText);
  const sourcesText = await readTextIfExists(paths.sourcesFile);
  const sourcesFile = sourcesText === null ? { data: { sources: [] }, issues: [] } : checkConfigText(sourcesFileSchema, sourcesText);
  // Imported when called, not at module load: the connectors import config, so a static import would be a cycle.
  const types = options.connectors ?? (await import('../sources/connectors/registry')).createConnectorRegistry();
  const sourceIssues = sourcesText === null ? [] : sourceKeyIssues(rawSources(sourcesText));
  // Each block is checked on its own, so a bad name elsewhere in the file does not hide a block's mistakes.
  const entries = sourcesFile.data?.sources ?? (sourcesText === null ? [] : rawSources(sourcesText).filter(isSourceLike));
  const blocks = checkSourceBlocks(entries as SourceConfig[], types);
  const problems: ConfigFileIssues[] = [
    { file: '.dango/project.yml', issues: project.issues },
    { file: '.dango/sources.yml', issues: mergeIssues([...sourcesFile.issues, ...sourceIssues, ...blocks.issues]) },
  ];
  if (project.data && sourcesFile.data && problems.every((p) => p.issues.length === 0)) {
    const config = { root: paths.root, project: project.data.project, platform: project.data.platform, sources: blocks.sources };
    for (const p of configuredPathIssues(config)) problems.find((f) => f.file === p.file)!.issues.push(p.issue);
    if (problems.every((p) => p.issues.length === 0)) return { config, problems: [] };
  }
  return { problems: problems.filter((p) => p.issues.length > 0) };
}

/** A raw sources entry a connector can check: a mapping with a string `type`. */
function isSourceLike(s: unknown): boolean {
  return !!s && typeof s === 'object' && typeof (s as { type?: unknown }).type === 'string';
}

/** Issues without repeats (a block's problem may be found by two checks), in order. */
function mergeIssues(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\0${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Loads `.dango/project.yml` and `.dango/sources.yml`; a missing project file is an error, a missing sources file means no sources. */
export async function loadProjectConfig(root: string, options: LoadConfigOptions = {}): Promise<ProjectConfig> {
  const { config, problems } = await checkProjectConfig(root, options);
  if (config) return config;
  throw invalid(problems[0]!.file, problems[0]!.issues);
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

/** Paths the platform would only fail on later with a raw errno (ENAMETOOLONG, EEXIST, ENOTDIR), each naming its file and key. */
function configuredPathIssues(config: ProjectConfig): Array<{ file: string; issue: ConfigIssue }> {
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
  const issues: Array<{ file: string; issue: ConfigIssue }> = [];
  for (const [file, key, value, folder] of checks) {
    if (value === ':memory:') continue;
    const problem = pathProblem(config.root, value, folder);
    if (problem) issues.push({ file, issue: { path: key, message: problem } });
  }
  return issues;
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
