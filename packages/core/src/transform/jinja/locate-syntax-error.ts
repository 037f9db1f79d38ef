import { parse, tokenize } from '@huggingface/jinja';

/** Where a template's syntax first goes wrong, and why. */
export interface SyntaxProblem {
  line: number;
  problem: string;
}

const TAG_RE = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|\{#[\s\S]*?#\}/g;
const BLOCKS: Record<string, string> = { if: 'endif', for: 'endfor', macro: 'endmacro', call: 'endcall', filter: 'endfilter', set: 'endset' };

function tryParse(text: string): string | null {
  try {
    parse(tokenize(text));
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function statementOf(tag: string): { keyword: string; body: string } {
  const body = tag.slice(2, -2).replace(/^-/, '').replace(/-$/, '').trim();
  return { keyword: /^[A-Za-z_]+/.exec(body)?.[0] ?? '', body };
}

/**
 * The template library reports syntax errors without a position, so on failure each tag is checked
 * on its own (block tags with a synthetic end) and the block structure is matched, to name a line.
 */
export function locateSyntaxError(source: string): SyntaxProblem | null {
  return unclosedDelimiter(source) ?? checkTags(source);
}

// An opener whose closer is missing (or comes after the next opener) makes the tag regex skip it.
function unclosedDelimiter(source: string): SyntaxProblem | null {
  const closers: Record<string, string> = { '{{': '}}', '{%': '%}', '{#': '#}' };
  for (const m of source.matchAll(/\{[{%#]/g)) {
    const close = source.indexOf(closers[m[0]]!, m.index + 2);
    const nextOpen = source.slice(m.index + 2).search(/\{[{%#]/);
    if (m[0] === '{#') continue;
    if (close < 0 || (nextOpen >= 0 && m.index + 2 + nextOpen < close)) {
      let line = 1;
      for (let i = 0; i < m.index; i++) if (source.charCodeAt(i) === 10) line++;
      return { line, problem: `'${m[0]}' is not closed with '${closers[m[0]]}'` };
    }
  }
  return null;
}

function checkTags(source: string): SyntaxProblem | null {
  const stack: { keyword: string; line: number }[] = [];
  let line = 1;
  let last = 0;
  for (const m of source.matchAll(TAG_RE)) {
    for (let i = last; i < m.index; i++) if (source.charCodeAt(i) === 10) line++;
    last = m.index;
    const tag = m[0];
    if (tag.startsWith('{#')) continue;
    if (tag.startsWith('{{')) {
      const problem = tryParse(tag);
      if (problem) return { line, problem: `${problem} in ${tag.trim()}` };
      continue;
    }
    const { keyword, body } = statementOf(tag);
    const isBlockSet = keyword === 'set' && !/=/.test(body);
    if (BLOCKS[keyword] && (keyword !== 'set' || isBlockSet)) {
      const problem = tryParse(`${tag}{% ${BLOCKS[keyword]} %}`);
      if (problem) return { line, problem: `${problem} in ${tag.trim()}` };
      stack.push({ keyword, line });
    } else if (keyword.startsWith('end')) {
      const open = stack.pop();
      if (!open) return { line, problem: `unexpected '${keyword}' with no open block` };
      if (BLOCKS[open.keyword] !== keyword) {
        return { line, problem: `unexpected '${keyword}': the '${open.keyword}' opened on line ${open.line} must be closed with '${BLOCKS[open.keyword]}' first` };
      }
    } else if (keyword === 'elif' || keyword === 'else') {
      const open = stack.at(-1);
      if (!open || (open.keyword !== 'if' && !(keyword === 'else' && open.keyword === 'for'))) {
        return { line, problem: `'${keyword}' outside of an 'if' block` };
      }
      const problem = tryParse(`{% if x %}${tag}{% endif %}`);
      if (problem) return { line, problem: `${problem} in ${tag.trim()}` };
    } else if (keyword !== 'break' && keyword !== 'continue') {
      const problem = tryParse(tag);
      if (problem) return { line, problem: `${problem} in ${tag.trim()}` };
    }
  }
  const open = stack.pop();
  if (open) return { line: open.line, problem: `'${open.keyword}' block opened here is never closed (missing '${BLOCKS[open.keyword]}')` };
  return null;
}
