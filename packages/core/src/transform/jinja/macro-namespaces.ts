import { Environment } from '@huggingface/jinja';
import { define, toRuntime, type RuntimeValue } from './jinja-values';

/** The scope variable naming the package whose macro is running (for `var()` and `adapter.dispatch`). */
export const PACKAGE_VAR = '__dango_package';
/** The namespace of dbt's own macros (`dbt.dateadd`, `dbt.current_timestamp`). */
export const INTERNAL_NAMESPACE = 'dbt';
/** The adapter prefixes `adapter.dispatch` tries, most specific first. */
export const ADAPTER_PREFIXES = ['duckdb', 'default'];

/** Every macro by package: the root project, each installed package and dbt's own (`dbt`). */
export interface MacroNamespaces {
  rootName: string;
  byPackage: Map<string, Map<string, RuntimeValue>>;
  /** `dispatch:` search orders of dbt_project.yml, by macro namespace. */
  searchOrder: Map<string, string[]>;
}

type Fn = { type: string; value: (args: RuntimeValue[], scope: Environment) => RuntimeValue };

/** A variable table that answers from a package's macros before the scope's own variables. */
class PackageVariables extends Map<string, RuntimeValue> {
  constructor(
    private readonly macros: Map<string, RuntimeValue>,
    private readonly pkg: RuntimeValue,
  ) {
    super();
  }
  override has(key: string): boolean {
    return super.has(key) || key === PACKAGE_VAR || this.macros.has(key);
  }
  override get(key: string): RuntimeValue | undefined {
    if (super.has(key)) return super.get(key);
    return key === PACKAGE_VAR ? this.pkg : this.macros.get(key);
  }
}

const registry = new WeakMap<Environment, MacroNamespaces>();

/** Remembers the namespaces of a project environment (for its children to find). */
export function registerNamespaces(env: Environment, ns: MacroNamespaces): void {
  registry.set(env, ns);
}

/** The macro namespaces of a project environment or of one of its children. */
export function namespacesOf(env: Environment): MacroNamespaces {
  for (let e: Environment | undefined = env; e; e = e.parent) {
    const ns = registry.get(e);
    if (ns) return ns;
  }
  throw new Error('not a project environment');
}

/** A child scope of `scope` where the package's macros resolve first and `var()`/dispatch know the package. */
export function packageScope(scope: Environment, name: string, macros = namespacesOf(scope).byPackage.get(name) ?? new Map()): Environment {
  const layered = new Environment(scope);
  (layered as unknown as { variables: Map<string, RuntimeValue> }).variables = new PackageVariables(macros, toRuntime(name));
  return layered;
}

/**
 * Makes each macro of a package run in a scope where the package's own macros come first, so
 * a package's bare calls to its own macros resolve there (and two packages may share macro names).
 */
export function bindToPackage(name: string, macros: Map<string, RuntimeValue>): void {
  for (const fn of macros.values() as IterableIterator<Fn>) {
    if (fn.type !== 'FunctionValue') continue;
    const inner = fn.value;
    fn.value = (args, scope) => inner(args, packageScope(scope, name, macros));
  }
}

/** Defines `name` as a namespace object (`dbt_utils.star`) unless something else owns that name. */
export function defineNamespace(env: Environment, name: string, macros: Map<string, RuntimeValue>): void {
  if (env.lookupVariable(name).type !== 'UndefinedValue') return;
  const ns = toRuntime({});
  ns.value = macros;
  define(env, name, ns);
}

/** The package whose macro is running in `scope`, or null for the project's own code. */
export function callingPackage(scope: Environment): string | null {
  const v = scope.lookupVariable(PACKAGE_VAR) as unknown as RuntimeValue;
  return v.type === 'StringValue' ? String(v.value) : null;
}

/**
 * `adapter.dispatch(name, macro_namespace)` as dbt resolves it: the packages of the namespace's
 * `dispatch:` search order (else the namespace alone; without a namespace or for one that is not
 * an installed package, the caller's scope), each
 * tried for `duckdb__name` then `default__name`.
 */
export function dispatchMacro(ns: MacroNamespaces, scope: Environment, name: string, namespace: string | null): RuntimeValue {
  // A namespace that is no installed package (a project's own label) searches from the caller, as before packages existed.
  const packages = namespace ? ns.searchOrder.get(namespace) ?? (ns.byPackage.has(namespace) ? [namespace] : [null]) : [null];
  for (const pkg of packages) {
    for (const prefix of ADAPTER_PREFIXES) {
      const candidate = `${prefix}__${name}`;
      const fn = pkg === null ? (scope.lookupVariable(candidate) as unknown as RuntimeValue) : ns.byPackage.get(pkg)?.get(candidate);
      if (fn?.type === 'FunctionValue') return fn;
    }
  }
  const where = packages.map((p) => (p === null ? 'the calling scope' : `'${p}'`)).join(', ');
  throw new Error(`adapter.dispatch('${name}'${namespace ? `, '${namespace}'` : ''}) found neither a 'duckdb__${name}' nor a 'default__${name}' macro in ${where}`);
}

/**
 * The macro of a generic test named in a properties file: `pkg.name` is `test_name` of that package;
 * a bare name is the project's (or dbt's) own, else the first installed package that defines it.
 */
export function findTestMacro(ns: MacroNamespaces, env: Environment, test: string): RuntimeValue | null {
  const dot = test.indexOf('.');
  if (dot > 0) {
    const fn = ns.byPackage.get(test.slice(0, dot))?.get(`test_${test.slice(dot + 1)}`);
    return fn?.type === 'FunctionValue' ? fn : null;
  }
  const own = env.lookupVariable(`test_${test}`) as unknown as RuntimeValue;
  if (own.type === 'FunctionValue') return own;
  for (const [pkg, macros] of ns.byPackage) {
    if (pkg === ns.rootName || pkg === INTERNAL_NAMESPACE) continue;
    const fn = macros.get(`test_${test}`);
    if (fn?.type === 'FunctionValue') return fn;
  }
  return null;
}
