/** Errors often span lines (SQL excerpt, caret); an issue sentence keeps the first, the failure entry keeps all. */
export function firstLine(text: string): string {
  return text.split('\n', 1)[0]!.trim();
}
