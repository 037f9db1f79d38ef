/**
 * Source rewrites for the few dbt Jinja statements the template library lacks. Each rewrite keeps
 * the line count, so error lines still point into the user's file.
 */

/** The name of the global that `{% do %}` rewrites to. */
export const DO_FUNCTION = '__dango_do';
/** The name of the global that returns a `{% raw %}` block's text. */
export const RAW_FUNCTION = '__dango_raw';

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
const CONTINUATION_RE = /\\\r?\n/g;
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
  // Python continues a string literal over a backslash-newline; the library refuses the escape. The
  // newline stays (so lines still match), which only differs inside a message's text.
  if (out.includes('\\\n') || out.includes('\\\r\n')) out = out.replace(TAG_RE, (tag) => tag.replace(CONTINUATION_RE, '\n'));
  out = out.replace(DO_RE, (_m, l: string, expr: string, r: string) => `{{${l} ${DO_FUNCTION}(${expr}) ${r}}}`);
  out = out.replace(TEST_RE, (_m, l: string, name: string) => `{%${l} macro test_${name}(`);
  out = out.replace(ENDTEST_RE, (_m, l: string, r: string) => `{%${l} endmacro ${r}%}`);
  return { source: out, raws };
}
