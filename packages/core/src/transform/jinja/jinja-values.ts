import { Environment, Interpreter, parse, tokenize } from '@huggingface/jinja';

/** A runtime value of the template library (its classes are not exported, so this is structural). */
export interface RuntimeValue {
  type: string;
  value: unknown;
  toString(): string;
}

/** A function as the template library calls it. */
export type RuntimeFunction = (args: RuntimeValue[], scope: Environment) => RuntimeValue;

// The library exports no value constructors; a scratch environment converts JS values for us.
const scratch = new Environment();

/** Converts a plain JS value to a template runtime value. */
export function toRuntime(value: unknown): RuntimeValue {
  const v = scratch.set('_', value) as unknown as RuntimeValue;
  scratch.variables.delete('_');
  return v;
}

const FunctionValueCtor = (toRuntime(() => null) as unknown as { constructor: new (fn: RuntimeFunction) => RuntimeValue }).constructor;

/** Converts a template runtime value back to plain JS (maps become objects). */
export function toPlain(value: RuntimeValue | undefined): unknown {
  if (!value) return undefined;
  switch (value.type) {
    case 'ArrayValue':
    case 'TupleValue':
      return (value.value as RuntimeValue[]).map(toPlain);
    case 'ObjectValue':
    case 'KeywordArgumentsValue':
    case 'NamespaceValue': {
      if ((value as { relation?: unknown }).relation) return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of value.value as Map<string, RuntimeValue>) out[k] = toPlain(v);
      return out;
    }
    case 'UndefinedValue':
      return undefined;
    case 'FunctionValue':
      return value;
    default:
      return value.value;
  }
}

/** Positional and keyword arguments of a call, as plain JS. */
export interface CallArgs {
  args: unknown[];
  kwargs: Record<string, unknown>;
}

/** Splits raw runtime arguments into plain positional and keyword arguments. */
export function callArgs(raw: RuntimeValue[]): CallArgs {
  const last = raw.at(-1);
  const hasKw = last?.type === 'KeywordArgumentsValue';
  const positional = hasKw ? raw.slice(0, -1) : raw;
  return { args: positional.map(toPlain), kwargs: hasKw ? (toPlain(last) as Record<string, unknown>) : {} };
}

/** Wraps a JS implementation as a template function receiving plain positional and keyword arguments. */
export function jinjaFunction(impl: (call: CallArgs, scope: Environment) => unknown): RuntimeValue {
  return new FunctionValueCtor((raw, scope) => {
    const result = impl(callArgs(raw), scope);
    return isRuntime(result) ? result : toRuntime(result ?? null);
  });
}

/** Wraps a raw runtime-level function (for wrappers that must pass values through untouched). */
export function rawFunction(fn: RuntimeFunction): RuntimeValue {
  return new FunctionValueCtor(fn);
}

/** True when `v` is already a template runtime value. */
export function isRuntime(v: unknown): v is RuntimeValue {
  return typeof v === 'object' && v !== null && 'type' in v && typeof (v as RuntimeValue).type === 'string' && 'value' in v && (v as RuntimeValue).type.endsWith('Value');
}

/** An object with attributes that renders as `text` in `{{ }}` (dbt relations, `run_started_at`). */
export function renderableObject(attrs: Record<string, unknown>, text: string): RuntimeValue {
  const v = toRuntime({});
  const map = v.value as Map<string, RuntimeValue>;
  for (const [k, a] of Object.entries(attrs)) map.set(k, isRuntime(a) ? a : toRuntime(a));
  (v as { relation?: boolean }).relation = true;
  v.toString = () => text;
  // `~` concatenates `.value.toString()`, so the attribute map must render the same way.
  map.toString = () => text;
  return v;
}

let KwargsCtor: (new (map: Map<string, RuntimeValue>) => RuntimeValue) | null = null;

/** A keyword-arguments value, as macros expect as their last argument. */
export function keywordArguments(values: Record<string, unknown>): RuntimeValue {
  if (!KwargsCtor) {
    // The class is not exported: capture it from one real call with a keyword argument.
    const env = new Environment();
    env.setVariable('f', rawFunction((args) => {
      KwargsCtor = (args.at(-1) as unknown as { constructor: typeof KwargsCtor }).constructor;
      return toRuntime(null);
    }) as never);
    new Interpreter(env).run(parse(tokenize('{{ f(a=1) }}')));
  }
  const map = new Map<string, RuntimeValue>();
  for (const [k, v] of Object.entries(values)) map.set(k, isRuntime(v) ? v : toRuntime(v));
  return new KwargsCtor!(map);
}

/** Defines a runtime value in `env` (the library's own value type is not exported). */
export function define(env: Environment, name: string, value: RuntimeValue): void {
  env.setVariable(name, value as never);
}
