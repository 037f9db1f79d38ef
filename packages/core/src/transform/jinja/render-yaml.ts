import { Environment } from '@huggingface/jinja';
import { compileTemplate, renderTemplate } from './template';

const HAS_JINJA = /\{\{|\{%/;

/** A Python list literal of scalars (`['a', 1, True]`, as `{{ var('list') }}` prints) as a JS array, or null. */
function pythonList(t: string): unknown[] | null {
  if (!/^\[[\s\S]*\]$/.test(t)) return null;
  const items: unknown[] = [];
  const ITEM = /\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?)|(True|False|None))\s*(,|$)/y;
  const body = t.slice(1, -1);
  ITEM.lastIndex = 0;
  while (ITEM.lastIndex < body.length) {
    const m = ITEM.exec(body);
    if (!m) return body.trim() === '' ? items : null;
    const [, single, double, num, word] = m;
    if (num !== undefined) items.push(Number(num));
    else if (word !== undefined) items.push(word === 'None' ? null : word === 'True');
    else items.push((single ?? double)!.replace(/\\(.)/g, '$1'));
  }
  return items;
}

/** Python literal text (`True`, `None`, `3`, `['a', 'b']`) back to the value dbt's native rendering gives; other text stays text. */
function nativeValue(text: string): unknown {
  const t = text.trim();
  if (t === 'True' || t === 'False') return t === 'True';
  if (t === 'None') return null;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return pythonList(t) ?? text;
}

/**
 * Renders the Jinja in a YAML value as dbt does for dbt_project.yml and properties files
 * (`schema: "{{ var('raw_schema') }}"`, `+enabled: "{{ target.name == 'prod' }}"`): every string
 * with `{{`/`{%` is rendered in `globals` and read back natively; keys in `skip` (hooks, rendered
 * later per node) are left as written. An error names `file`.
 */
export function renderYamlValue(value: unknown, globals: Environment, file: string, skip: ReadonlySet<string> = new Set()): unknown {
  if (typeof value === 'string') {
    return HAS_JINJA.test(value) ? nativeValue(renderTemplate(compileTemplate(value, file), new Environment(globals))) : value;
  }
  if (Array.isArray(value)) return value.map((v) => renderYamlValue(v, globals, file, skip));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, skip.has(k.replace(/^\+/, '')) ? v : renderYamlValue(v, globals, file, skip)]));
  }
  return value;
}
