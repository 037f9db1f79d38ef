const TAG_RE = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;
const BLOCKS: Record<string, string> = { if: 'endif', for: 'endfor', macro: 'endmacro', call: 'endcall', filter: 'endfilter', set: 'endset' };

interface Cut {
  end: number;
  line: number;
  /** End tags that close the blocks still open after this tag. */
  closers: string;
}

function cuts(source: string): Cut[] {
  const out: Cut[] = [];
  const stack: string[] = [];
  let line = 1;
  let last = 0;
  for (const m of source.matchAll(TAG_RE)) {
    for (let i = last; i < m.index; i++) if (source.charCodeAt(i) === 10) line++;
    last = m.index;
    const body = m[0].slice(2, -2).replace(/^-/, '').replace(/-$/, '').trim();
    const keyword = /^[A-Za-z_]+/.exec(body)?.[0] ?? '';
    if (m[0].startsWith('{%')) {
      if (BLOCKS[keyword] && (keyword !== 'set' || !body.includes('='))) stack.push(BLOCKS[keyword]!);
      else if (keyword.startsWith('end')) stack.pop();
    }
    out.push({ end: m.index + m[0].length, line, closers: [...stack].reverse().map((k) => `{% ${k} %}`).join('') });
  }
  return out;
}

/**
 * The line of the tag where a runtime error first occurs, found by rendering ever shorter prefixes of
 * the template (open blocks closed) until the same error appears; the library reports no positions.
 * Only used on the error path, where the render's side effects no longer matter.
 */
export function locateRuntimeError(source: string, message: string, render: (prefix: string) => void): number | null {
  const list = cuts(source);
  const fails = (k: number): boolean => {
    try {
      render(source.slice(0, list[k]!.end) + list[k]!.closers);
      return false;
    } catch (err) {
      return err instanceof Error && err.message.includes(message);
    }
  };
  let lo = 0;
  let hi = list.length - 1;
  if (hi < 0 || !fails(hi)) return null;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fails(mid)) hi = mid;
    else lo = mid + 1;
  }
  return list[lo]!.line;
}
