import { pythonJson } from './serialization';

const repr = (v: unknown): string => (typeof v === 'string' ? `'${v.replaceAll("'", "\\'")}'` : str(v));

/** Python's `str()` of a plain value. */
function str(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (Array.isArray(v)) return `[${v.map(repr).join(', ')}]`;
  if (typeof v === 'object') return pythonJson(v);
  return String(v);
}

/** One value under a format spec such as `.2f`, `>5`, `05d`, `,`. */
function applySpec(v: unknown, spec: string): string {
  const m = /^(?:(.)?([<>^]))?(0)?(\d+)?(,)?(?:\.(\d+))?([sdfe%])?$/.exec(spec);
  if (!m) return str(v);
  const [, fill = ' ', align, zero, width, comma, precision, type] = m;
  let text: string;
  const n = Number(v);
  if (type === 'f' || (precision !== undefined && type !== 's')) text = n.toFixed(Number(precision ?? 6));
  else if (type === 'e') text = n.toExponential(Number(precision ?? 6)).replace(/e([+-])(\d)$/, 'e$10$2');
  else if (type === '%') text = `${(n * 100).toFixed(Number(precision ?? 6))}%`;
  else if (type === 'd') text = String(Math.trunc(n));
  else text = precision !== undefined ? str(v).slice(0, Number(precision)) : str(v);
  if (comma) text = text.replace(/^(-?\d+)/, (d) => d.replace(/\B(?=(\d{3})+(?!\d))/g, ','));
  const w = Number(width ?? 0);
  if (text.length >= w) return text;
  if (zero && !align) return text.startsWith('-') ? `-${text.slice(1).padStart(w - 1, '0')}` : text.padStart(w, '0');
  const numeric = typeof v === 'number';
  const side = align ?? (numeric ? '>' : '<');
  if (side === '<') return text.padEnd(w, fill);
  if (side === '>') return text.padStart(w, fill);
  const left = Math.floor((w - text.length) / 2);
  return fill.repeat(left) + text + fill.repeat(w - text.length - left);
}

/** Python's `str.format()`: `{}`, `{0}`, `{name}`, `{name.attr}`/`{0[key]}`, `!r`/`!s` and format specs; `{{`/`}}` escape braces. */
export function pythonFormat(template: string, positional: unknown[], named: Record<string, unknown>): string {
  let auto = 0;
  return template.replace(/\{\{|\}\}|\{([^{}!:]*)(?:!([rs]))?(?::([^{}]*))?\}/g, (m, field: string | undefined, conv: string | undefined, spec: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const [head, ...path] = (field ?? '').split(/\.|\[/).map((p) => p.replace(/\]$/, ''));
    let v: unknown = head === '' ? positional[auto++] : /^\d+$/.test(head!) ? positional[Number(head)] : named[head!];
    for (const p of path) v = (v as Record<string, unknown> | null)?.[p];
    if (conv === 'r') return repr(v);
    return spec ? applySpec(v, spec) : str(v);
  });
}

/** Python's `'%s' % value` formatting: `%s`, `%r`, `%d`/`%i`, `%f`/`%.2f`, `%%`, and `%(name)s` with a dict. */
export function pythonPercent(template: string, value: unknown, isTuple: boolean): string {
  const values = isTuple ? (value as unknown[]) : [value];
  let i = 0;
  return template.replace(/%(?:\((\w+)\))?([-+ 0#]*)(\d+)?(?:\.(\d+))?([sdifrxX%])/g, (_m, key: string | undefined, flags: string, width: string | undefined, precision: string | undefined, type: string) => {
    if (type === '%') return '%';
    const v = key !== undefined ? (value as Record<string, unknown>)[key] : values[i++];
    let text: string;
    if (type === 'r') text = repr(v);
    else if (type === 'd' || type === 'i') text = String(Math.trunc(Number(v)));
    else if (type === 'f') text = Number(v).toFixed(Number(precision ?? 6));
    else if (type === 'x' || type === 'X') text = Math.trunc(Number(v)).toString(16)[type === 'X' ? 'toUpperCase' : 'toLowerCase']();
    else text = str(v);
    const w = Number(width ?? 0);
    if (text.length >= w) return text;
    return flags.includes('-') ? text.padEnd(w) : flags.includes('0') && type !== 's' ? text.padStart(w, '0') : text.padStart(w);
  });
}
