import { DangoError } from '../../errors';

/** A compile failure in a project file, naming the file (relative to the dbt folder) and line. */
export class TemplateError extends DangoError {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly problem: string,
    readonly calledFrom?: string,
  ) {
    super('CONFIG_INVALID', `Compilation error in ${file}${line ? ` line ${line}` : ''}: ${problem}${calledFrom ? ` (called from ${calledFrom})` : ''}`);
  }
}

/** The 1-based line of character offset `index` in `source`. */
export function lineAt(source: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < source.length; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

/** The first line holding `needle` (a word such as an unknown function's name), or null. */
export function lineOf(source: string, needle: string): number | null {
  if (!needle) return null;
  const escaped = needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`(^|[^A-Za-z0-9_])${escaped}([^A-Za-z0-9_]|$)`).exec(source);
  return m ? lineAt(source, m.index + m[1]!.length) : null;
}

/** The first line matching `re`, or null. */
export function lineMatching(source: string, re: RegExp): number | null {
  const m = re.exec(source);
  return m ? lineAt(source, m.index) : null;
}
