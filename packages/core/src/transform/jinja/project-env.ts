import { Environment } from '@huggingface/jinja';
import { createGlobalEnv, type GlobalContext } from './dbt-context';
import { isRuntime, keywordArguments, toRuntime, type RuntimeValue } from './jinja-values';
import { bindToPackage, defineNamespace, INTERNAL_NAMESPACE, registerNamespaces, type MacroNamespaces } from './macro-namespaces';
import { adapterOf } from '../adapter/duckdb';
import type { WarehouseAdapter } from '../adapter/warehouse-adapter';
import { compileTemplate, renderTemplate, type CompiledTemplate } from './template';
import { TemplateError } from './template-error';

/** The names of the top-level `{% macro %}` blocks of a file. */
function macroNames(m: CompiledTemplate): string[] {
  return (m.program.body as unknown as { type: string; name?: { value: string } }[]).filter((s) => s.type === 'Macro').map((s) => s.name!.value);
}

/** The macros of an installed package. */
export interface PackageMacros {
  name: string;
  macros: CompiledTemplate[];
}

/** What a project environment is built from besides dbt's context. */
export interface MacroSources {
  packages?: PackageMacros[];
  /** `dispatch:` entries of dbt_project.yml. */
  dispatch?: { macro_namespace: string; search_order: string[] }[];
}

const parsedGlobals = new Map<string, CompiledTemplate>();

/** dbt's global macros with the adapter's implementations, parsed once per process. */
function internalMacros(adapter: WarehouseAdapter): CompiledTemplate {
  let macros = parsedGlobals.get(adapter.type);
  if (!macros) parsedGlobals.set(adapter.type, (macros = compileTemplate(adapter.macroSource(), '<dbt global macros>')));
  return macros;
}

function definedMacros(env: Environment, templates: CompiledTemplate[]): Map<string, RuntimeValue> {
  const out = new Map<string, RuntimeValue>();
  for (const m of templates) for (const name of macroNames(m)) out.set(name, env.lookupVariable(name) as unknown as RuntimeValue);
  return out;
}

/**
 * A global environment with dbt's context and every macro defined: the project's own (a macro
 * defined twice is an error, as in dbt) as bare names and under the project's name, and each
 * installed package's under its own name (`dbt_utils.star`), bound so its bare calls find its own macros first.
 */
export function createProjectEnv(ctx: GlobalContext, macros: CompiledTemplate[], sources: MacroSources = {}): Environment {
  const ns: MacroNamespaces = {
    rootName: ctx.projectName,
    byPackage: new Map(),
    searchOrder: new Map((sources.dispatch ?? []).map((d) => [d.macro_namespace, d.search_order])),
  };
  const env = createGlobalEnv(ctx, ns);
  registerNamespaces(env, ns);
  // dbt's own macros: bare names (which the project's may replace) and the `dbt` namespace.
  renderTemplate(internalMacros(adapterOf(ctx)), env);
  const internal = definedMacros(env, [internalMacros(adapterOf(ctx))]);
  ns.byPackage.set(INTERNAL_NAMESPACE, internal);
  defineNamespace(env, INTERNAL_NAMESPACE, internal);
  const seen = new Map<string, string>();
  for (const m of macros) {
    for (const name of macroNames(m)) {
      const other = seen.get(name);
      if (other) throw new TemplateError(m.file, null, `dbt found two macros named '${name}' in the project (${other} and ${m.file}); rename or remove one`);
      seen.set(name, m.file);
    }
    renderTemplate(m, env);
  }
  ns.byPackage.set(ctx.projectName, definedMacros(env, macros));
  for (const pkg of sources.packages ?? []) {
    const scratch = new Environment(env);
    for (const m of pkg.macros) renderTemplate(m, scratch);
    const own = definedMacros(scratch, pkg.macros);
    bindToPackage(pkg.name, own);
    ns.byPackage.set(pkg.name, own);
    defineNamespace(env, pkg.name, own);
  }
  defineNamespace(env, ctx.projectName, ns.byPackage.get(ctx.projectName)!);
  return env;
}

/** True when a macro (or global function) of that name is defined. */
export function hasMacro(env: Environment, name: string): boolean {
  return (env.lookupVariable(name) as unknown as RuntimeValue).type === 'FunctionValue';
}

/** Calls a macro with plain arguments (keyword arguments last) and returns its result as text. */
export function callMacro(env: Environment, name: string | RuntimeValue, args: unknown[], kwargs?: Record<string, unknown>): string {
  const fn = (typeof name === 'string' ? env.lookupVariable(name) : name) as unknown as { type: string; value: (a: RuntimeValue[], s: Environment) => RuntimeValue };
  if (fn.type !== 'FunctionValue') throw new Error(`macro '${String(name)}' is not defined`);
  const raw = args.map((a) => (isRuntime(a) ? a : toRuntime(a)));
  if (kwargs) raw.push(keywordArguments(kwargs));
  const out = fn.value(raw, env);
  return out.type === 'NullValue' || out.type === 'UndefinedValue' ? '' : out.toString();
}
