import type { RuntimeValue } from './jinja-values';

/** Python's `repr` of a string: single quotes unless the text has one and no double quote. */
function reprString(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('\r', '\\r').replaceAll('\t', '\\t');
  return q + (q === "'" ? body.replaceAll("'", "\\'") : body) + q;
}

/** Python's `repr` of a value inside a list or dict. */
function reprItem(v: RuntimeValue): string {
  if (v.type === 'StringValue') return reprString(String(v.value));
  if (v.type === 'NullValue' || v.type === 'UndefinedValue') return 'None';
  return pythonStr(v) ?? v.toString();
}

/**
 * What Jinja2 prints for `{{ v }}` when that differs from the template library: `True`/`False`, and
 * lists, tuples and dicts as Python writes them (`['a', 1]`, `(1,)`, `{'k': 'v'}`). Null for values
 * the library already prints like Python (strings, numbers, relations and other renderable objects).
 */
export function pythonStr(v: RuntimeValue): string | null {
  if ((v as { relation?: boolean }).relation) return null;
  switch (v.type) {
    case 'BooleanValue':
      return v.value ? 'True' : 'False';
    case 'ArrayValue':
      return `[${(v.value as RuntimeValue[]).map(reprItem).join(', ')}]`;
    case 'TupleValue': {
      const items = (v.value as RuntimeValue[]).map(reprItem);
      return `(${items.join(', ')}${items.length === 1 ? ',' : ''})`;
    }
    case 'ObjectValue':
      return `{${[...(v.value as Map<string, RuntimeValue>)].map(([k, x]) => `${reprString(k)}: ${reprItem(x)}`).join(', ')}}`;
    default:
      return null;
  }
}
