/**
 * The records of a JSONL text. Blank lines are skipped, and so are lines that do not parse or that
 * `accept` rejects: a crash mid-append leaves a torn last line, which must not break the next start.
 */
export function parseJsonLines<T>(text: string, accept: (value: unknown) => boolean = () => true): T[] {
  const out: T[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const value: unknown = JSON.parse(line);
      if (accept(value)) out.push(value as T);
    } catch {
      /* torn or foreign line */
    }
  }
  return out;
}
