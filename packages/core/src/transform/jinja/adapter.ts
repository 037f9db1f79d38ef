import type { Environment } from '@huggingface/jinja';
import { define, jinjaFunction, toRuntime, type RuntimeValue } from './jinja-values';
import { callingPackage, dispatchMacro, type MacroNamespaces } from './macro-namespaces';

/** Double-quotes an identifier as DuckDB does. */
const quote = (s: unknown) => `"${String(s).replaceAll('"', '""')}"`;

/** Registers dbt's `adapter` object: `quote`, `type` and `dispatch` (resolved through the macro namespaces). */
export function defineAdapter(env: Environment, ns: MacroNamespaces): void {
  const adapter = toRuntime({ quote, type: () => 'duckdb' });
  (adapter.value as Map<string, RuntimeValue>).set('dispatch', jinjaFunction(({ args, kwargs }, scope) => {
    const name = String(args[0] ?? kwargs.macro_name);
    const namespace = (args[1] ?? kwargs.macro_namespace ?? null) as string | null;
    // Without a namespace, dbt looks from where the call is made: a package's macro finds its own first.
    return dispatchMacro(ns, scope, name, namespace ?? (callingPackage(scope) === null ? null : callingPackage(scope)));
  }));
  define(env, 'adapter', adapter);
}
