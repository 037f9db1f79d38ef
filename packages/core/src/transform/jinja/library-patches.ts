/**
 * Every patch of @huggingface/jinja's internals lives here, so an upgrade of the library is checked
 * in one place: `PATCHED_INTERNALS` lists what is patched, and library-patches.test.ts fails when
 * an upgrade removes or renames one. The patches give the library Jinja2's and dbt's semantics
 * where it differs: `return()`, errors that name files, Python printing, dbt's filters, methods
 * (`append`, `update`, `format`), `%` formatting, non-string dict keys and extra tests.
 */
import { Environment, Interpreter } from '@huggingface/jinja';
import { errorMessage } from '../../errors';
import { NeedsQuery } from './compile-queries';
import { rawFunction, toRuntime, type RuntimeValue } from './jinja-values';
import { pythonFormat, pythonPercent } from './python-format';
import { dateOperation } from './python-datetime';
import { pythonStr } from './python-repr';
import { NOT_TEST_FILTER, TEST_FILTER } from './preprocess';
import type { CompiledTemplate } from './template';
import { lineOf, TemplateError } from './template-error';
import { unsupportedCallMessage, type CalleeNode } from './unsupported-call';

/** The library internals these patches replace or extend (checked by a test against each upgrade). */
export const PATCHED_INTERNALS = {
  interpreterMethods: ['evaluateMacro', 'evaluateCallExpression', 'evaluateCallStatement', 'evaluateBlock', 'applyFilter', 'evaluate', 'evaluateMemberExpression', 'evaluateBinaryExpression', 'evaluateArguments', 'evaluateFor'],
  builtinsGetters: ['ArrayValue', 'ObjectValue', 'StringValue'],
  environment: ['TESTS', 'variables', 'lookupVariable', 'resolve'],
} as const;

/** Thrown by `return(x)` and caught at the macro boundary, as dbt's `return` does. */
export class ReturnSignal {
  constructor(readonly value: RuntimeValue) {}
}

/** The global `return` function. */
export const returnFunction = rawFunction((args) => {
  throw new ReturnSignal(args[0] ?? (undefined as never));
});

/** The template error inside `err`, if it is one. */
export function fileOfError(err: unknown): TemplateError | null {
  return err instanceof TemplateError ? err : null;
}

/**
 * The library's interpreter with dbt's macro semantics: `return()` ends a macro with a value, an
 * error inside a macro names the macro's file, and calling an undefined name says which.
 */
export class DbtInterpreter extends Interpreter {
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

const FloatValue = (toRuntime(0.5) as unknown as { constructor: new (v: number) => RuntimeValue }).constructor;

/** Jinja2's `round(precision, method)` filter; the result stays a float, as in Python. */
function roundFilter(v: number, precision: number, method: string): RuntimeValue {
  const f = 10 ** precision;
  const r = method === 'floor' ? Math.floor(v * f) / f : method === 'ceil' ? Math.ceil(v * f) / f : Math.round(v * f) / f;
  return new FloatValue(r);
}

/** Jinja2's filters with arguments that the library lacks: `round`, `select`/`reject` (by test), `format`. */
function callFilter(this: DbtInterpreter, operand: RuntimeValue, name: string, args: RuntimeValue[], kwargs: Map<string, RuntimeValue>, env: Environment): RuntimeValue | null {
  if (name === 'round') return roundFilter(Number(operand.value), Number(args[0]?.value ?? kwargs.get('precision')?.value ?? 0), String(args[1]?.value ?? kwargs.get('method')?.value ?? 'common'));
  if ((name === 'select' || name === 'reject') && operand.type === 'ArrayValue') {
    const testName = args[0] ? String(args[0].value) : null;
    const test = testName ? (env.tests.get(testName) as ((v: RuntimeValue, ...a: RuntimeValue[]) => boolean) | undefined) : null;
    if (testName && !test) throw new Error(`Unknown test: ${testName}`);
    const keep = (v: RuntimeValue) => (test ? test(v, ...args.slice(1)) : Boolean(v.value) && !(v.type === 'ArrayValue' && !(v.value as unknown[]).length));
    const out = toRuntime([]);
    out.value = (operand.value as RuntimeValue[]).filter((v) => keep(v) === (name === 'select'));
    return out;
  }
  if (name === 'format' && operand.type === 'StringValue') return toRuntime(pythonPercent(String(operand.value), args.map(plainOf), true));
  return null;
}

// Jinja2 filters over lists that the library lacks.
const LIST_FILTERS: Record<string, (items: unknown[]) => unknown> = {
  sum: (items) => items.reduce((a: number, b) => a + Number(b), 0),
  min: (items) => (items.length ? items.reduce((a, b) => ((b as number) < (a as number) ? b : a)) : null),
  max: (items) => (items.length ? items.reduce((a, b) => ((b as number) > (a as number) ? b : a)) : null),
};

const STRING_ITERATING = new Set(['map', 'select', 'reject', 'selectattr', 'rejectattr']);
const EMPTY_ON_NONE = new Set(['map', 'select', 'reject', 'selectattr', 'rejectattr', 'list', 'unique', 'sort', 'join']);

type FilterNode = { type: string; value?: string; callee?: { type: string; value?: string }; args?: unknown[] };
type Evaluator = { evaluateArguments(args: unknown[], env: Environment): [RuntimeValue[], Map<string, RuntimeValue>] };

function applyFilter(this: DbtInterpreter, operand: RuntimeValue, filterNode: FilterNode, env: Environment): RuntimeValue {
  // `x | length()`: a filter called without arguments is the plain filter.
  if (filterNode.type === 'CallExpression' && !filterNode.args?.length && filterNode.callee?.type === 'Identifier') {
    return applyFilter.call(this, operand, { type: 'Identifier', value: filterNode.callee.value }, env);
  }
  const name = filterNode.type === 'Identifier' ? filterNode.value ?? '' : '';
  const callee = filterNode.type === 'CallExpression' ? filterNode.callee?.value : undefined;
  if (callee === TEST_FILTER || callee === NOT_TEST_FILTER) {
    const [args] = (this as unknown as Evaluator).evaluateArguments(filterNode.args ?? [], env);
    return toRuntime(applyTest(operand, args) !== (callee === NOT_TEST_FILTER));
  }
  if (name === 'round' || name === 'select' || name === 'reject') return callFilter.call(this, operand, name, [], new Map(), env)!;
  // Jinja2's sequence filters treat None and undefined as empty.
  const filterName = filterNode.type === 'CallExpression' ? filterNode.callee?.value ?? '' : name;
  if ((operand.type === 'NullValue' || operand.type === 'UndefinedValue') && EMPTY_ON_NONE.has(filterName)) return toRuntime(filterName === 'join' ? '' : []);
  // Jinja2 iterates a string by character: `name | map('upper') | join`.
  if (operand.type === 'StringValue' && STRING_ITERATING.has(filterName)) operand = toRuntime([...String(operand.value)]);
  if (filterNode.type === 'CallExpression' && ['round', 'select', 'reject', 'format'].includes(filterNode.callee?.value ?? '')) {
    const [args, kwargs] = (this as unknown as Evaluator).evaluateArguments(filterNode.args ?? [], env);
    const out = callFilter.call(this, operand, filterNode.callee!.value!, args, kwargs, env);
    if (out) return out;
  }
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
export function problemNeedle(problem: string): string | null {
  return /'([^']+)'/.exec(problem)?.[1] ?? null;
}

/** Parses a template; a syntax error names the file and the line. */

/** The library's value classes, reached through values (they are not exported). */
const valueClass = (sample: unknown) => Object.getPrototypeOf(toRuntime(sample)) as object;

/**
 * Adds methods the library's lists, dicts and strings lack (`append`, `extend`, `update`,
 * `format`...). Only names the library does not define are added.
 */
function addMethods(sample: unknown, methods: Record<string, (self: RuntimeValue, args: RuntimeValue[]) => unknown>): void {
  const proto = valueClass(sample);
  const desc = Object.getOwnPropertyDescriptor(proto, 'builtins');
  if (!desc?.get || (proto as { __dangoPatched?: boolean }).__dangoPatched) return;
  const original = desc.get;
  Object.defineProperty(proto, 'builtins', {
    configurable: true,
    get(this: RuntimeValue) {
      const map = original.call(this) as Map<string, RuntimeValue>;
      for (const [name, impl] of Object.entries(methods)) {
        if (!map.has(name)) map.set(name, rawFunction((args) => toRuntime(impl(this, args) ?? null)));
      }
      return map;
    },
  });
  (proto as { __dangoPatched?: boolean }).__dangoPatched = true;
}

const plainOf = (v: RuntimeValue | undefined): unknown => {
  if (!v) return undefined;
  if (v.type === 'ArrayValue' || v.type === 'TupleValue') return (v.value as RuntimeValue[]).map(plainOf);
  if (v.type === 'ObjectValue' && !(v as { relation?: boolean }).relation) return Object.fromEntries([...(v.value as Map<string, RuntimeValue>)].map(([k, x]) => [k, plainOf(x)]));
  return v.type === 'NullValue' || v.type === 'UndefinedValue' ? null : (v as { relation?: boolean }).relation ? v.toString() : v.value;
};

addMethods([], {
  append: (self, args) => void (self.value as RuntimeValue[]).push(args[0] ?? toRuntime(null)),
  extend: (self, args) => void (self.value as RuntimeValue[]).push(...((args[0]?.value as RuntimeValue[]) ?? [])),
  insert: (self, args) => void (self.value as RuntimeValue[]).splice(Number(args[0]?.value), 0, args[1] ?? toRuntime(null)),
  pop: (self, args) => ((self.value as RuntimeValue[]).splice(args[0] ? Number(args[0].value) : -1, 1)[0] ?? null),
  index: (self, args) => (self.value as RuntimeValue[]).findIndex((v) => v.value === args[0]?.value),
  count: (self, args) => (self.value as RuntimeValue[]).filter((v) => v.value === args[0]?.value).length,
});
addMethods({}, {
  update: (self, args) => {
    for (const [k, v] of (args[0]?.value as Map<string, RuntimeValue>) ?? []) (self.value as Map<string, RuntimeValue>).set(k, v);
  },
  pop: (self, args) => {
    const map = self.value as Map<string, RuntimeValue>;
    const key = String(args[0]?.value);
    const v = map.get(key);
    map.delete(key);
    return v ?? args[1] ?? null;
  },
  setdefault: (self, args) => {
    const map = self.value as Map<string, RuntimeValue>;
    const key = String(args[0]?.value);
    if (!map.has(key)) map.set(key, args[1] ?? toRuntime(null));
    return map.get(key);
  },
});
addMethods('', {
  format: (self, args) => {
    const last = args.at(-1);
    const kw = last?.type === 'KeywordArgumentsValue' ? Object.fromEntries([...(last.value as Map<string, RuntimeValue>)].map(([k, v]) => [k, plainOf(v)])) : {};
    const positional = (last?.type === 'KeywordArgumentsValue' ? args.slice(0, -1) : args).map(plainOf);
    return pythonFormat(String(self.value), positional, kw);
  },
  isdigit: (self) => /^\d+$/.test(String(self.value)),
  isalpha: (self) => /^[A-Za-z]+$/.test(String(self.value)),
  isupper: (self) => String(self.value) === String(self.value).toUpperCase() && /[A-Z]/.test(String(self.value)),
  islower: (self) => String(self.value) === String(self.value).toLowerCase() && /[a-z]/.test(String(self.value)),
  zfill: (self, args) => String(self.value).padStart(Number(args[0]?.value), '0'),
  find: (self, args) => String(self.value).indexOf(String(args[0]?.value)),
  count: (self, args) => String(self.value).split(String(args[0]?.value)).length - 1,
  join: (self, args) => ((args[0]?.value as RuntimeValue[]) ?? []).map((v) => v.toString()).join(String(self.value)),
});

// Jinja2's tests the library lacks.
const TESTS = (Environment as unknown as { TESTS: Map<string, (v: RuntimeValue, ...a: RuntimeValue[]) => boolean> }).TESTS;
const extraTests: Record<string, (v: RuntimeValue, ...a: RuntimeValue[]) => boolean> = {
  divisibleby: (v, n) => {
    if (n === undefined) throw new Error("the test 'divisibleby' needs a number: x is divisibleby 3");
    return Number(v.value) % Number(n.value) === 0;
  },
  le: (v, o) => Number(v.value) <= Number(o?.value),
  lessthan: (v, o) => Number(v.value) < Number(o?.value),
  greaterthan: (v, o) => Number(v.value) > Number(o?.value),
  ge: (v, o) => Number(v.value) >= Number(o?.value),
  defined: (v) => v.type !== 'UndefinedValue',
  undefined: (v) => v.type === 'UndefinedValue',
  sameas: (v, o) => v === o || (v.value === o?.value && v.type === o?.type),
  eq: (v, o) => v.value === o?.value,
  ne: (v, o) => v.value !== o?.value,
  gt: (v, o) => Number(v.value) > Number(o?.value),
  lt: (v, o) => Number(v.value) < Number(o?.value),
  float: (v) => v.type === 'FloatValue',
  in: (v, o) => (o?.type === 'ArrayValue' ? (o.value as RuntimeValue[]).some((x) => x.value === v.value) : o?.type === 'ObjectValue' ? (o.value as Map<string, unknown>).has(String(v.value)) : String(o?.value).includes(String(v.value))),
};
for (const [name, test] of Object.entries(extraTests)) if (!TESTS.has(name)) TESTS.set(name, test);

/** Jinja2's `x is test arg`: the test (named by the first argument) applied to the operand and the rest. */
function applyTest(operand: RuntimeValue, args: RuntimeValue[]): boolean {
  const name = String(args[0]?.value);
  const test = TESTS.get(name);
  if (!test) throw new Error(`Unknown test: ${name}`);
  return test(operand, ...args.slice(1));
}

/** A dict key as Python would hash it, in the library's string-keyed maps: strings as they are, other values by their text. */
function keyOf(v: RuntimeValue): string {
  return v.type === 'StringValue' ? String(v.value) : (v as { relation?: boolean }).relation ? v.toString() : pythonStr(v) ?? String(v.value);
}

type Evaluate = (s: unknown, e: Environment) => RuntimeValue;

/** A node type of ours: a value already evaluated, handed back to the library inside a node. */
const VALUE_NODE = '__DangoValue';

// Python dicts take any hashable key (`{relation: 1, 2: 'x'}`); the library only strings.
dbtProto.evaluate = function (this: DbtInterpreter, statement: { type: string; value?: [unknown, unknown][] } | undefined, env: Environment) {
  if (statement?.type === VALUE_NODE) return statement.value as unknown as RuntimeValue;
  if (statement?.type !== 'ObjectLiteral') return proto.evaluate!.call(this, statement, env);
  const map = new Map<string, RuntimeValue>();
  for (const [k, v] of statement.value ?? []) map.set(keyOf((this.evaluate as unknown as Evaluate)(k, env)), (this.evaluate as unknown as Evaluate)(v, env));
  const out = toRuntime({});
  out.value = map;
  return out;
};

// Jinja2 loops over nothing for an undefined value, and over the characters of a string.
dbtProto.evaluateFor = function (this: DbtInterpreter, node: { iterable: { type: string } }, env: Environment) {
  if (node.iterable.type === 'SelectExpression') return proto.evaluateFor!.call(this, node, env);
  let items = (this.evaluate as unknown as Evaluate)(node.iterable, env);
  if (items.type === 'UndefinedValue') items = toRuntime([]);
  else if (items.type === 'StringValue') items = toRuntime([...String(items.value)]);
  return proto.evaluateFor!.call(this, { ...node, iterable: { type: VALUE_NODE, value: items } }, env);
};

// d[relation] / d[2] on a dict: the key's text, as the dict literal stored it.
dbtProto.evaluateMemberExpression = function (this: DbtInterpreter, expr: { computed?: boolean; object: unknown; property: { type: string } }, env: Environment) {
  if (expr.computed && expr.property.type !== 'SliceExpression') {
    const object = (this.evaluate as unknown as Evaluate)(expr.object, env);
    if (object.type === 'ObjectValue') {
      const key = (this.evaluate as unknown as Evaluate)(expr.property, env);
      if (key.type !== 'StringValue') return (object.value as Map<string, RuntimeValue>).get(keyOf(key)) ?? toRuntime(undefined);
    }
  }
  return proto.evaluateMemberExpression!.call(this, expr, env);
};

const DATE_OPERATORS = new Set(['+', '-', '<', '>', '<=', '>=', '==', '!=']);

// Python's `'%s-%d' % (a, b)` string formatting (numbers keep the library's modulo), and `~` printing
// an undefined value as nothing, as Jinja2 does.
dbtProto.evaluateBinaryExpression = function (this: DbtInterpreter, node: { operator: { value: string }; left: unknown; right: unknown }, env: Environment) {
  if (node.operator.value === '~') {
    const side = (n: unknown) => {
      const v = (this.evaluate as unknown as Evaluate)(n, env);
      return v.type === 'UndefinedValue' ? '' : v.type === 'NullValue' ? 'None' : pythonStr(v) ?? v.toString();
    };
    return toRuntime(side(node.left) + side(node.right));
  }
  // Python's date/datetime/timedelta arithmetic and ordering; lists and dicts compared by value (the library: by identity).
  if (DATE_OPERATORS.has(node.operator.value)) {
    const left = (this.evaluate as unknown as Evaluate)(node.left, env);
    const right = (this.evaluate as unknown as Evaluate)(node.right, env);
    const dated = dateOperation(node.operator.value, left, right);
    if (dated) return dated;
    if (node.operator.value !== '==' && node.operator.value !== '!=') {
      return proto.evaluateBinaryExpression!.call(this, { ...node, left: { type: VALUE_NODE, value: left }, right: { type: VALUE_NODE, value: right } }, env);
    }
    const structured = (v: RuntimeValue) => ['ArrayValue', 'TupleValue', 'ObjectValue'].includes(v.type);
    if (structured(left) || structured(right)) {
      const same = JSON.stringify(plainOf(left)) === JSON.stringify(plainOf(right));
      return toRuntime(node.operator.value === '==' ? same : !same);
    }
    return proto.evaluateBinaryExpression!.call(this, { ...node, left: { type: VALUE_NODE, value: left }, right: { type: VALUE_NODE, value: right } }, env);
  }
  if (node.operator.value === '%') {
    const left = (this.evaluate as unknown as Evaluate)(node.left, env);
    if (left.type === 'StringValue') {
      const right = (this.evaluate as unknown as Evaluate)(node.right, env);
      return toRuntime(pythonPercent(String(left.value), plainOf(right), right.type === 'ArrayValue' || right.type === 'TupleValue'));
    }
  }
  return proto.evaluateBinaryExpression!.call(this, node, env);
};
