import { createHash } from 'node:crypto';
import { Environment } from '@huggingface/jinja';
import { define, jinjaFunction, renderableObject, toRuntime, type RuntimeValue } from './jinja-values';
import { DO_FUNCTION } from './preprocess';
import { adapterOf } from '../adapter/duckdb';
import type { WarehouseAdapter } from '../adapter/warehouse-adapter';
import { callingPackage, packageScope, type MacroNamespaces } from './macro-namespaces';
import { defineModules } from './python-modules';
import { dateValue } from './python-datetime';
import { defineSerialization } from './serialization';
import { defineQueries, type QueryHolder } from './compile-queries';
import { returnFunction } from './library-patches';
import type { VersionIndex } from '../project/model-versions';

/** Project-wide values every template sees. */
export interface GlobalContext {
  projectName: string;
  /** `vars:` of dbt_project.yml (flat, or scoped under the project name). */
  vars: Record<string, unknown>;
  /** The command's `--vars`: they win over every `vars:` of dbt_project.yml, as in dbt. */
  cliVars?: Record<string, unknown>;
  target: { name: string; schema: string; type: string; database: string; threads: number };
  runStartedAt: Date;
  invocationId: string;
  fullRefresh: boolean;
  /** False while parsing (dbt's `execute`), true when compiling for a run. */
  execute: boolean;
  /** Each installed package's own `vars:` (defaults the project's vars override). */
  packageVars?: Record<string, Record<string, unknown>>;
  /** Where the compiler puts the query session of the node it renders (for `run_query`, `statement`). */
  queries?: QueryHolder;
  /** The warehouse's adapter (DuckDB when absent). */
  adapter?: WarehouseAdapter;
  /** Versioned models by name: what `ref(name, v=...)` resolves to. */
  modelVersions?: Map<string, VersionIndex>;
  /** Text of the `{% docs %}` blocks, by name. */
  docs: Map<string, string>;
  onLog?: (message: string) => void;
}

/** The per-node hooks that `ref`, `source`, `config`, `this` and `is_incremental()` call. */
export interface NodeHooks {
  /** `version` is `v=`/`version=` of the call; the hook resolves it with `versionedRef`. */
  ref(name: string, pkg?: string, version?: unknown): RuntimeValue;
  source(source: string, table: string): RuntimeValue;
  config(values: Record<string, unknown>): void;
  configGet(key: string): unknown;
  isIncremental(): boolean;
  thisRelation: RuntimeValue | null;
  node: Record<string, unknown>;
  /** The installed package the node belongs to (its macros come first); absent for the project's own nodes. */
  package?: string | null;
}

/** dbt's Python builtins in its context: `dict`, `zip`, `set` (a sorted list of unique items here), `local_md5`. */
function definePythonBuiltins(env: Environment): void {
  define(env, 'dict', jinjaFunction(({ args, kwargs }) => ({ ...(args[0] && typeof args[0] === 'object' ? (Array.isArray(args[0]) ? Object.fromEntries(args[0] as [string, unknown][]) : args[0]) : {}), ...kwargs })));
  define(env, 'zip', jinjaFunction(({ args }) => {
    const lists = args.map((a) => (Array.isArray(a) ? a : []));
    const n = lists.length ? Math.min(...lists.map((l) => l.length)) : 0;
    return Array.from({ length: n }, (_v, i) => lists.map((l) => l[i]));
  }));
  const set = jinjaFunction(({ args }) => [...new Set(Array.isArray(args[0]) ? args[0] : typeof args[0] === 'string' ? [...args[0]] : [])]
    .sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0)));
  define(env, 'set', set);
  define(env, 'frozenset', set);
  define(env, 'local_md5', jinjaFunction(({ args }) => createHash('md5').update(String(args[0])).digest('hex')));
}

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** dbt's var precedence: `--vars`, the project's vars scoped to the calling package, its global vars, then the package's own vars. */
function varLookup(ctx: GlobalContext, pkg: string | null, name: string, fallback: unknown, hasFallback: boolean): unknown {
  if (ctx.cliVars && name in ctx.cliVars) return ctx.cliVars[name];
  const own = pkg ?? ctx.projectName;
  const scoped = ctx.vars[own];
  if (isMap(scoped) && name in scoped) return scoped[name];
  if (name in ctx.vars) return ctx.vars[name];
  const pkgVars = pkg ? ctx.packageVars?.[pkg] : undefined;
  if (pkgVars) {
    const inner = pkgVars[pkg!];
    if (isMap(inner) && name in inner) return inner[name];
    if (name in pkgVars) return pkgVars[name];
  }
  if (hasFallback) return fallback;
  throw new Error(`Required var '${name}' not found in --vars or dbt_project.yml vars and no default given`);
}

/** Registers dbt's global context (var, env_var, target, log, return, ...) in a fresh environment. */
export function createGlobalEnv(ctx: GlobalContext, ns: MacroNamespaces): Environment {
  const env = new Environment();
  for (const [k, v] of Object.entries({ true: true, false: false, none: null, True: true, False: false, None: null })) env.set(k, v);
  env.set('range', (a: number, b?: number, step = 1) => {
    const [start, stop] = b === undefined ? [0, a] : [a, b];
    const out: number[] = [];
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
    return out;
  });
  define(env, 'var', jinjaFunction(({ args, kwargs }, scope) => {
    const hasDefault = args.length > 1 || 'default' in kwargs;
    return varLookup(ctx, callingPackage(scope), String(args[0]), args.length > 1 ? args[1] : kwargs.default, hasDefault);
  }));
  define(env, 'env_var', jinjaFunction(({ args, kwargs }) => {
    const name = String(args[0]);
    const value = process.env[name];
    if (value !== undefined) return value;
    if (args.length > 1 || 'default' in kwargs) return args.length > 1 ? args[1] : kwargs.default;
    throw new Error(`Env var required but not provided: '${name}'`);
  }));
  env.set('target', { ...ctx.target, profile_name: 'dango', target_name: ctx.target.name });
  // An aware UTC datetime, as dbt's: arithmetic with timedelta, `.hour`, `.tzinfo`, `.timestamp()`.
  define(env, 'run_started_at', dateValue(ctx.runStartedAt, false, 'UTC'));
  define(env, 'log', jinjaFunction(({ args, kwargs }) => {
    if (args[1] === true || kwargs.info === true) ctx.onLog?.(String(args[0]));
    return '';
  }));
  define(env, 'return', returnFunction);
  const queries = ctx.queries ?? { session: null };
  defineQueries(env, ctx.execute, queries);
  defineSerialization(env);
  define(env, DO_FUNCTION, jinjaFunction(() => ''));
  define(env, 'doc', jinjaFunction(({ args }) => {
    const name = String(args.at(-1));
    const text = ctx.docs.get(name);
    if (text === undefined) throw new Error(`Documentation for '${name}' not found (no {% docs ${name} %} block)`);
    return text;
  }));
  defineModules(env);
  definePythonBuiltins(env);
  env.set('exceptions', {
    raise_compiler_error: (msg: string) => {
      throw new Error(String(msg));
    },
    warn: (msg: string) => {
      ctx.onLog?.(String(msg));
      return '';
    },
  });
  adapterOf(ctx).defineJinja(env, { ns, database: ctx.target.database, execute: ctx.execute, queries });
  env.set('flags', { FULL_REFRESH: ctx.fullRefresh, WHICH: 'run' });
  env.set('execute', ctx.execute);
  env.set('invocation_id', ctx.invocationId);
  env.set('project_name', ctx.projectName);
  env.set('dbt_version', '1.9.0');
  return env;
}

/** A child environment of `globals` with one node's `ref`, `source`, `config`, `this` and `is_incremental`. */
export function createNodeEnv(globals: Environment, hooks: NodeHooks): Environment {
  const env = new Environment(hooks.package ? packageScope(globals, hooks.package) : globals);
  define(env, 'ref', jinjaFunction(({ args, kwargs }) => {
    const list = args.map(String);
    if (list.length === 0) throw new Error('ref() needs a model name');
    const version = kwargs.version ?? kwargs.v;
    return list.length >= 2 ? hooks.ref(list[1]!, list[0], version) : hooks.ref(list[0]!, undefined, version);
  }));
  define(env, 'source', jinjaFunction(({ args }) => {
    if (args.length !== 2) throw new Error(`source() takes a source name and a table name, got ${args.length} argument(s)`);
    return hooks.source(String(args[0]), String(args[1]));
  }));
  const config = jinjaFunction(({ args, kwargs }) => {
    const values = { ...(args[0] && typeof args[0] === 'object' ? (args[0] as Record<string, unknown>) : {}), ...kwargs };
    hooks.config(values);
    return '';
  });
  // dbt's `config` is both callable and an object (`config.get('x', default)`).
  Object.defineProperty(config, 'builtins', {
    value: new Map([
      ['get', jinjaFunction(({ args, kwargs }) => hooks.configGet(String(args[0])) ?? args[1] ?? kwargs.default ?? null)],
      ['require', jinjaFunction(({ args }) => {
        const v = hooks.configGet(String(args[0]));
        if (v === undefined || v === null) throw new Error(`Missing required config '${String(args[0])}'`);
        return v;
      })],
    ]),
  });
  define(env, 'config', config);
  define(env, 'is_incremental', jinjaFunction(() => hooks.isIncremental()));
  define(env, 'this', (hooks.thisRelation ?? toRuntime(null)));
  env.set('model', hooks.node);
  return env;
}
