import { Environment, Interpreter, parse, tokenize } from '@huggingface/jinja';
import { errorMessage } from '../../errors';
import { NeedsQuery } from './compile-queries';
import { define, jinjaFunction, rawFunction, toRuntime, type RuntimeValue } from './jinja-values';
import { locateRuntimeError } from './locate-runtime-error';
import { locateSyntaxError } from './locate-syntax-error';
import { preprocess, RAW_FUNCTION } from './preprocess';
import { pythonStr } from './python-repr';
import { lineOf, TemplateError } from './template-error';
import { unsupportedCallMessage, type CalleeNode } from './unsupported-call';

type Program = ReturnType<typeof parse>;

/** A parsed template, ready to render many times. */
export interface CompiledTemplate {
  /** Path relative to the dbt folder, for messages. */
  file: string;
  source: string;
  program: Program;
  raws: string[];
}

/** Thrown by `return(x)` and caught at the macro boundary, as dbt's `return` does. */
class ReturnSignal {
  constructor(readonly value: RuntimeValue) {}
}

/** The global `return` function. */
export const returnFunction = rawFunction((args) => {
  throw new ReturnSignal(args[0] ?? (undefined as never));
});

function fileOfError(err: unknown): TemplateError | null {
  return err instanceof TemplateError ? err : null;
}

/**
 * The library's interpreter with dbt's macro semantics: `return()` ends a macro with a value, an
 * error inside a macro names the macro's file, and calling an undefined name says which.
 */
class DbtInterpreter extends Interpreter {
  constructor(
    env: Environment,
    readonly template: CompiledTemplate,
  ) {
    super(env);
  }
}

const proto = Interpreter.prototype as unknown as Record<string, (...a: unknown[]) => RuntimeValue>;
const dbtProto = DbtInterpreter.prototype as unknown as Record<string, unknown>;

dbtProto.evaluateMacro = function (this: DbtInterpreter, node: { name: { value: string } }, env: Environment) {
  const result = proto.evaluateMacro!.call(this, node, env);
  const fn = env.lookupVariable(node.name.value) as unknown as { value: (args: RuntimeValue[], scope: Environment) => RuntimeValue };
  const inner = fn.value;
  const template = this.template;
  fn.value = (args, scope) => {
    try {
      return inner(args, scope);
    } catch (err) {
      if (err instanceof ReturnSignal) return err.value;
      if (fileOfError(err) || err instanceof NeedsQuery) throw err;
      const problem = errorMessage(err);
      throw new TemplateError(template.file, lineOf(template.source, problemNeedle(problem) ?? node.name.value), problem);
    }
  };
  return result;
};

const NOT_CALLABLE = 'Cannot call something that is not a function';

/** Calls `evaluate`, turning the library's "not a function" error into one that names the callee and why. */
function explainUncallable(evaluate: () => RuntimeValue, callee: CalleeNode | undefined, env: Environment): RuntimeValue {
  try {
    return evaluate();
  } catch (err) {
    if (err instanceof Error && !(err instanceof TemplateError) && err.message.startsWith(NOT_CALLABLE)) {
      throw new Error(unsupportedCallMessage(callee, env));
    }
    throw err;
  }
}

dbtProto.evaluateCallExpression = function (this: DbtInterpreter, expr: { callee?: CalleeNode }, env: Environment) {
  return explainUncallable(() => proto.evaluateCallExpression!.call(this, expr, env), expr.callee, env);
};

// `{% call statement(...) %}` blocks reach the same check through their own evaluator.
dbtProto.evaluateCallStatement = function (this: DbtInterpreter, node: { call: { callee?: CalleeNode } }, env: Environment) {
  return explainUncallable(() => proto.evaluateCallStatement!.call(this, node, env), node.call.callee, env);
};

// The library's statement node types; every other node in a block is a `{{ }}` expression.
const STATEMENTS = new Set(['Program', 'If', 'For', 'Break', 'Continue', 'Set', 'Macro', 'Comment', 'CallStatement', 'FilterStatement']);

// Output of `{{ }}` as Jinja2 prints it (`True`, `['a', 'b']`, `None`); text and everything else as the library does.
dbtProto.evaluateBlock = function (this: DbtInterpreter, statements: { type: string }[], env: Environment) {
  let out = '';
  for (const statement of statements) {
    const v = (this as unknown as { evaluate(s: unknown, e: Environment): RuntimeValue }).evaluate(statement, env);
    if (v.type === 'NullValue' && !STATEMENTS.has(statement.type)) out += 'None';
    else if (v.type !== 'NullValue' && v.type !== 'UndefinedValue') out += pythonStr(v) ?? v.toString();
  }
  return toRuntime(out);
};

// dbt's own filters, which the library does not know; everything else goes to the library.
const DBT_FILTERS: Record<string, (v: RuntimeValue) => unknown> = {
  as_text: (v) => (v.type === 'NullValue' || v.type === 'UndefinedValue' ? '' : v.toString()),
  as_number: (v) => Number(v.value),
  as_bool: (v) => (typeof v.value === 'string' ? v.value.trim().toLowerCase() === 'true' : Boolean(v.value)),
  as_native: (v) => v,
};

// Jinja2 filters over lists that the library lacks.
const LIST_FILTERS: Record<string, (items: unknown[]) => unknown> = {
  sum: (items) => items.reduce((a: number, b) => a + Number(b), 0),
  min: (items) => (items.length ? items.reduce((a, b) => ((b as number) < (a as number) ? b : a)) : null),
  max: (items) => (items.length ? items.reduce((a, b) => ((b as number) > (a as number) ? b : a)) : null),
};

type FilterNode = { type: string; value?: string; callee?: { type: string; value?: string }; args?: unknown[] };
type Evaluator = { evaluateArguments(args: unknown[], env: Environment): [RuntimeValue[], Map<string, RuntimeValue>] };

function applyFilter(this: DbtInterpreter, operand: RuntimeValue, filterNode: FilterNode, env: Environment): RuntimeValue {
  const name = filterNode.type === 'Identifier' ? filterNode.value ?? '' : '';
  const own = DBT_FILTERS[name];
  if (own) {
    const out = own(operand);
    return out === operand ? operand : toRuntime(out);
  }
  if (operand.type === 'ArrayValue' && LIST_FILTERS[name]) return toRuntime(LIST_FILTERS[name]((operand.value as RuntimeValue[]).map((v) => v.value)));
  // Jinja2's `map('lower')`: another filter applied to each item (the library knows only map(attribute=...)).
  if (filterNode.type === 'CallExpression' && filterNode.callee?.value === 'map' && operand.type === 'ArrayValue') {
    const [args, kwargs] = (this as unknown as Evaluator).evaluateArguments(filterNode.args ?? [], env);
    const attribute = kwargs.get('attribute');
    // Jinja2's map(attribute=0): an item of each row (the library wants a string attribute).
    if (attribute?.type === 'IntegerValue') {
      const mapped = toRuntime([]);
      mapped.value = (operand.value as RuntimeValue[]).map((item) => (item.value as RuntimeValue[])[Number(attribute.value)] ?? toRuntime(null));
      return mapped;
    }
    if (args[0]?.type === 'StringValue') {
      const each = { type: 'Identifier', value: String(args[0].value) };
      const mapped = toRuntime([]);
      mapped.value = (operand.value as RuntimeValue[]).map((item) => applyFilter.call(this, item, each, env));
      return mapped;
    }
  }
  return proto.applyFilter!.call(this, operand, filterNode, env);
}
dbtProto.applyFilter = applyFilter;

/** The word of an error message most likely to appear on the failing line. */
function problemNeedle(problem: string): string | null {
  return /'([^']+)'/.exec(problem)?.[1] ?? null;
}

/** Parses a template; a syntax error names the file and the line. */
export function compileTemplate(source: string, file: string): CompiledTemplate {
  const pre = preprocess(source);
  try {
    return { file, source, program: parse(tokenize(pre.source)), raws: pre.raws };
  } catch (err) {
    const located = locateSyntaxError(pre.source);
    throw new TemplateError(file, located?.line ?? null, located?.problem ?? errorMessage(err));
  }
}

/** Runs a template's top level in `env` (defining its macros there) and returns its output. */
export function renderTemplate(template: CompiledTemplate, env: Environment, calledFrom?: string): string {
  if (template.raws.length) define(env, RAW_FUNCTION, jinjaFunction(({ args }) => template.raws[Number(args[0])] ?? ''));
  try {
    return String(new DbtInterpreter(env, template).run(template.program).value);
  } catch (err) {
    if (err instanceof ReturnSignal) return String(err.value?.value ?? '');
    if (err instanceof NeedsQuery) throw err;
    const inner = fileOfError(err);
    if (inner) {
      if (inner.file === template.file || inner.calledFrom) throw inner;
      throw new TemplateError(inner.file, inner.line, inner.problem, calledFrom ?? template.file);
    }
    const problem = errorMessage(err);
    const line = lineOf(template.source, problemNeedle(problem) ?? '') ?? locateRuntimeError(template.source, problem, (prefix) => {
      const pre = preprocess(prefix);
      new DbtInterpreter(new Environment(env), { ...template, raws: pre.raws }).run(parse(tokenize(pre.source)));
    });
    throw new TemplateError(template.file, line, problem);
  }
}
