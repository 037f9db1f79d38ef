import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Document, isScalar, stringify, type YAMLMap } from 'yaml';
import { DangoError } from '../errors';
import { projectPaths } from './paths';
import { SOURCE_NAME_RE } from './schemas';

/** Options for scaffolding a new project. */
export interface InitProjectOptions {
  name?: string;
  organization?: string;
  /** Overwrite an existing `.dango/project.yml`. */
  force?: boolean;
}

const GENERATE_SCHEMA_MACRO = `{#- Dango's schema rule: +schema: x means the literal schema x, not <target>_x. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
`;

const ENV_SCAFFOLD = `# Secrets of this project's sources, one NAME=value a line. A source names them with keys
# ending in _env in sources.yml (e.g. password_env: APP_DB_PASSWORD), so sources.yml never holds a
# secret. Variables set in the environment win over this file. Never commit this file.
# APP_DB_PASSWORD=change-me
`;

/** Adds `line` to the project's .gitignore unless it is already there. */
async function gitIgnore(root: string, line: string): Promise<void> {
  const file = path.join(root, '.gitignore');
  const text = existsSync(file) ? await readFile(file, 'utf8') : '';
  if (text.split(/\r?\n/).some((l) => l.trim() === line)) return;
  await appendFile(file, `${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`);
}

async function writeIfAbsent(file: string, text: string): Promise<void> {
  if (existsSync(file)) return;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}

/** project.yml's text, with the commented example that says how to turn Metabase on. */
function projectYaml(value: object): string {
  const doc = new Document(value);
  const platform = doc.get('platform') as YAMLMap;
  const key = platform.items.find((p) => isScalar(p.key) && p.key.value === 'metabase_url')?.key;
  if (isScalar(key)) key.commentBefore = ' Metabase is off. To use it, set metabase_url to its address (e.g. http://localhost:3000):\n /metabase/ then proxies to it and /api/status reports it.';
  return doc.toString();
}

/** Scaffolds a project: `.dango/` config, `data/uploads/` and a `dbt/` skeleton; existing user files are kept. */
export async function initProject(dir: string, options: InitProjectOptions = {}): Promise<string> {
  const paths = projectPaths(dir);
  if (existsSync(paths.projectFile) && !options.force) {
    throw new DangoError('CONFLICT', `A Dango project already exists at ${paths.root}`);
  }
  const name = options.name ?? path.basename(paths.root);
  const dbtName = name.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^[^a-z]+/, '') || 'dango_project';
  if (!SOURCE_NAME_RE.test(dbtName)) throw new DangoError('BAD_REQUEST', `Cannot derive a dbt project name from '${name}'`);

  await mkdir(paths.dangoDir, { recursive: true });
  await writeFile(
    paths.projectFile,
    projectYaml({
      project: { name, organization: options.organization ?? '' },
      platform: {
        port: 8800,
        // Not configured: a new project has no Metabase, so it reports healthy rather than Metabase down.
        metabase_url: false,
        duckdb_path: 'data/warehouse.duckdb',
        dbt_project_dir: 'dbt',
        auto_sync: true,
        auto_dbt: true,
        debounce_seconds: 600,
        watch_patterns: ['*.csv'],
        watch_directories: ['data/uploads'],
        max_upload_mb: 1024,
      },
    }),
  );
  await writeIfAbsent(paths.sourcesFile, '# Data sources. Example:\n# - name: sales_data\n#   type: csv\n#   enabled: true\n#   csv:\n#     directory: data/uploads/sales\n#     file_pattern: "*.csv"\nsources: []\n');
  await writeIfAbsent(paths.envFile, ENV_SCAFFOLD);
  await gitIgnore(paths.root, '.dango/.env');
  await mkdir(path.join(paths.root, 'data', 'uploads'), { recursive: true });
  await writeIfAbsent(path.join(paths.root, 'data', 'uploads', '.gitkeep'), '');

  const dbt = path.join(paths.root, 'dbt');
  await writeIfAbsent(
    path.join(dbt, 'dbt_project.yml'),
    stringify({
      name: dbtName,
      version: '1.0.0',
      profile: 'dango',
      'model-paths': ['models'],
      'seed-paths': ['seeds'],
      'test-paths': ['tests'],
      'macro-paths': ['macros'],
      'target-path': 'target',
      models: { [dbtName]: { staging: { '+materialized': 'view', '+schema': 'staging' }, marts: { '+materialized': 'table', '+schema': 'marts' } } },
    }),
  );
  await writeIfAbsent(
    path.join(dbt, 'profiles.yml'),
    stringify({ dango: { target: 'dev', outputs: { dev: { type: 'duckdb', path: '../data/warehouse.duckdb', schema: 'main', threads: 4 } } } }),
  );
  await writeIfAbsent(path.join(dbt, 'macros', 'generate_schema_name.sql'), GENERATE_SCHEMA_MACRO);
  for (const sub of ['models/staging', 'models/marts', 'seeds', 'tests']) {
    await writeIfAbsent(path.join(dbt, sub, '.gitkeep'), '');
  }
  return paths.root;
}
