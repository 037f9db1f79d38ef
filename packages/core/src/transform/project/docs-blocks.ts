import { TemplateError, lineAt } from '../jinja/template-error';

const DOCS_RE = /\{%-?\s*docs\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}([\s\S]*?)\{%-?\s*enddocs\s*-?%\}/g;

/** The `{% docs name %}...{% enddocs %}` blocks of a Markdown file, by name (text trimmed like dbt). */
export function readDocsBlocks(source: string, file: string, into: Map<string, string>): void {
  for (const m of source.matchAll(DOCS_RE)) {
    const name = m[1]!;
    if (into.has(name)) throw new TemplateError(file, lineAt(source, m.index), `duplicate docs block '${name}'`);
    into.set(name, m[2]!.trim());
  }
  const opened = (source.match(/\{%-?\s*docs\s/g) ?? []).length;
  const closed = (source.match(/\{%-?\s*enddocs\s*-?%\}/g) ?? []).length;
  if (opened !== closed) {
    const at = source.search(/\{%-?\s*docs\s/);
    throw new TemplateError(file, lineAt(source, at), "a '{% docs %}' block is not closed with '{% enddocs %}'");
  }
}
