/**
 * Source rewrites for the few dbt Jinja statements the template library lacks. Each rewrite keeps
 * the line count, so error lines still point into the user's file.
 */

/** The name of the global that `{% do %}` rewrites to. */
export const DO_FUNCTION = '__dango_do';
/** The name of the global that returns a `{% raw %}` block's text. */
export const RAW_FUNCTION = '__dango_raw';

/** The filter that Jinja tests with an argument (`x is divisibleby 3`) rewrite to; `library-patches.ts` applies it. */
export const TEST_FILTER = '__dango_is';
/** The same, negated (`x is not divisibleby 3`). */
export const NOT_TEST_FILTER = '__dango_is_not';

/** A template source rewritten for the library, with the raw blocks it cut out. */
export interface Preprocessed {
  source: string;
  raws: string[];
}

const RAW_RE = /\{%(-?)\s*raw\s*(-?)%\}([\s\S]*?)\{%(-?)\s*endraw\s*(-?)%\}/g;
const DO_RE = /\{%(-?)\s*do\s+([\s\S]*?)\s*(-?)%\}/g;
const TEST_RE = /\{%(-?)\s*test\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/g;
const ENDTEST_RE = /\{%(-?)\s*endtest\s*(-?)%\}/g;
const TAG_RE = /\{[{%][\s\S]*?[%}]\}/g;
const STRING_RE = /'(?:[^'\\]|\\[\s\S])*'|"(?:[^"\\]|\\[\s\S])*"/g;
const STRING = String.raw`'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"`;
// Jinja2's tests that take an argument; the library parses `is name` only, without one.
const ARG_TESTS = 'divisibleby|sameas|in|eq|equalto|ne|lt|lessthan|le|gt|greaterthan|ge';
const TEST_ARG = [
  String.raw`\((?:[^()'"]|${STRING}|\((?:[^()'"]|${STRING})*\))*\)`,
  STRING,
  String.raw`-?\d+(?:\.\d+)?`,
  String.raw`\[(?:[^\[\]'"]|${STRING})*\]`,
  String.raw`\{(?:[^{}'"]|${STRING})*\}`,
  String.raw`(?!(?:and|or|not|else|if|is|in)\b)[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*`,
].join('|');
const HAS_ARG_TEST = new RegExp(String.raw`\bis\s+(?:not\s+)?(?:${ARG_TESTS})\b`);
// A string literal (left alone) or `is [not] test arg`.
const ARG_TEST_RE = new RegExp(String.raw`(${STRING})|\bis\s+(not\s+)?(${ARG_TESTS})\b\s*(${TEST_ARG})`, 'g');
const MATERIALIZATION_RE = /\{%-?\s*materialization\b[\s\S]*?\{%-?\s*endmaterialization\s*-?%\}/g;

function newlines(text: string): string {
  return '\n'.repeat((text.match(/\n/g) ?? []).length);
}

/**
 * Rewrites `{% do x %}` to an expression that renders nothing, `{% test t(...) %}` to a `test_t`
 * macro (dbt's generic-test naming), and cuts `{% raw %}` blocks out so their text passes verbatim.
 */
export function preprocess(source: string): Preprocessed {
  const raws: string[] = [];
  let out = source.replace(RAW_RE, (_m, l: string, _r1: string, body: string, _l2: string, r: string) => {
    raws.push(body);
    // The raw text comes back as a value, and its newlines stay in the source as a no-op comment.
    return `{{${l} ${RAW_FUNCTION}(${raws.length - 1}) ${r}}}${body.includes('\n') ? `{#${newlines(body)}#}` : ''}`;
  });
  out = out.replace(MATERIALIZATION_RE, (m) => newlines(m));
  // Python drops a backslash-newline inside a string literal; the literal becomes a concatenation over that line, so lines still match.
  if (out.includes('\\\n') || out.includes('\\\r\n')) out = out.replace(TAG_RE, (tag) => tag.replace(STRING_RE, continuedString));
  if (HAS_ARG_TEST.test(out)) out = out.replace(TAG_RE, (tag) => tag.replace(ARG_TEST_RE, argTest));
  out = out.replace(DO_RE, (_m, l: string, expr: string, r: string) => `{{${l} ${DO_FUNCTION}(${expr}) ${r}}}`);
  out = out.replace(TEST_RE, (_m, l: string, name: string) => `{%${l} macro test_${name}(`);
  out = out.replace(ENDTEST_RE, (_m, l: string, r: string) => `{%${l} endmacro ${r}%}`);
  return { source: out, raws };
}

/** A string literal with backslash-newlines as a parenthesised concatenation of its pieces (the newlines move between them). */
function continuedString(literal: string): string {
  const quote = literal[0]!;
  const pieces: string[] = [];
  let current = '';
  for (let i = 1; i < literal.length - 1; i++) {
    const c = literal[i]!;
    if (c !== '\\') {
      current += c;
      continue;
    }
    const rest = literal.slice(i + 1, i + 3);
    const newline = rest.startsWith('\n') ? '\n' : rest === '\r\n' ? '\r\n' : null;
    if (newline) {
      pieces.push(current);
      current = '';
      i += newline.length;
    } else {
      current += c + literal[i + 1]!;
      i++;
    }
  }
  if (!pieces.length) return literal;
  pieces.push(current);
  return `(${pieces.map((p) => `${quote}${p}${quote}`).join(' ~\n')})`;
}

/** `is [not] test arg` as the filter that applies the test with its argument; string literals stay as they are. */
function argTest(match: string, literal: string | undefined, not: string | undefined, test: string, arg: string): string {
  if (literal !== undefined) return match;
  const args = arg.startsWith('(') ? arg.slice(1, -1) : arg;
  return `| ${not ? NOT_TEST_FILTER : TEST_FILTER}('${test}'${args.trim() ? `, ${args}` : ''})`;
}
