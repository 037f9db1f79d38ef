import type { Environment } from '@huggingface/jinja';
import { createGlobalEnv, type GlobalContext } from './dbt-context';
import { isRuntime, keywordArguments, toRuntime, type RuntimeValue } from './jinja-values';
import { renderTemplate, type CompiledTemplate } from './template';
import { TemplateError } from './template-error';

/** The names of the top-level `{% macro %}` blocks of a file. */
function macroNames(m: CompiledTemplate): string[] {
  return (m.program.body as unknown as { type: string; name?: { value: string } }[]).filter((s) => s.type === 'Macro').map((s) => s.name!.value);
}

/** A global environment with dbt's context and every project macro defined; a macro defined twice is an error, as in dbt. */
export function createProjectEnv(ctx: GlobalContext, macros: CompiledTemplate[]): Environment {
  const env = createGlobalEnv(ctx);
  const seen = new Map<string, string>();
  for (const m of macros) {
    for (const name of macroNames(m)) {
      const other = seen.get(name);
      if (other) throw new TemplateError(m.file, null, `dbt found two macros named '${name}' in the project (${other} and ${m.file}); rename or remove one`);
      seen.set(name, m.file);
    }
    renderTemplate(m, env);
  }
  return env;
}

/** True when a macro (or global function) of that name is defined. */
export function hasMacro(env: Environment, name: string): boolean {
  return (env.lookupVariable(name) as unknown as RuntimeValue).type === 'FunctionValue';
}

/** Calls a macro with plain arguments (keyword arguments last) and returns its result as text. */
export function callMacro(env: Environment, name: string, args: unknown[], kwargs?: Record<string, unknown>): string {
  const fn = env.lookupVariable(name) as unknown as { type: string; value: (a: RuntimeValue[], s: Environment) => RuntimeValue };
  if (fn.type !== 'FunctionValue') throw new Error(`macro '${name}' is not defined`);
  const raw = args.map((a) => (isRuntime(a) ? a : toRuntime(a)));
  if (kwargs) raw.push(keywordArguments(kwargs));
  const out = fn.value(raw, env);
  return out.type === 'NullValue' || out.type === 'UndefinedValue' ? '' : out.toString();
}
