import type { Environment } from '@huggingface/jinja';
import { define, jinjaFunction, toRuntime, type RuntimeValue } from './jinja-values';

/** Double-quotes an identifier as DuckDB does. */
const quote = (s: unknown) => `"${String(s).replaceAll('"', '""')}"`;

/**
 * `adapter.dispatch('name')`: the macro `duckdb__name`, else `default__name`, looked up from the
 * calling scope (so project macros are found). `macro_namespace` is accepted and ignored: packages
 * are not installed, so only the project's own implementations exist.
 */
function dispatch(scope: Environment, name: string): RuntimeValue {
  for (const candidate of [`duckdb__${name}`, `default__${name}`]) {
    const fn = scope.lookupVariable(candidate) as unknown as RuntimeValue;
    if (fn.type === 'FunctionValue') return fn;
  }
  throw new Error(`adapter.dispatch('${name}') found neither a 'duckdb__${name}' nor a 'default__${name}' macro`);
}

/** Registers dbt's `adapter` object: `quote`, `type` and `dispatch`. */
export function defineAdapter(env: Environment): void {
  const adapter = toRuntime({ quote, type: () => 'duckdb' });
  (adapter.value as Map<string, RuntimeValue>).set('dispatch', jinjaFunction(({ args, kwargs }, scope) => dispatch(scope, String(args[0] ?? kwargs.macro_name))));
  define(env, 'adapter', adapter);
}
