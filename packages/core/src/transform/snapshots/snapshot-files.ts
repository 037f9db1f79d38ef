import { readFileSync } from 'node:fs';
import { compileTemplate } from '../jinja/template';
import { TemplateError, lineAt } from '../jinja/template-error';
import type { SqlFile } from '../project/load-project';
import type { ProjectFileRef } from '../project/scan-files';

/** One `{% snapshot name %}` block: its body as a template (line numbers kept as in the file). */
export interface SnapshotBlock extends SqlFile {
  name: string;
}

const OPEN_RE = /\{%-?\s*snapshot\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}/g;
const CLOSE_RE = /\{%-?\s*endsnapshot\s*-?%\}/g;

/** Splits a snapshot file into its blocks; text outside blocks is ignored, as in dbt. */
export function snapshotBlocks(source: string, rel: string): { name: string; body: string }[] {
  const out: { name: string; body: string }[] = [];
  for (const m of source.matchAll(OPEN_RE)) {
    const start = m.index! + m[0].length;
    CLOSE_RE.lastIndex = start;
    const close = CLOSE_RE.exec(source);
    if (!close) throw new TemplateError(rel, lineAt(source, m.index!), `{% snapshot ${m[1]} %} has no {% endsnapshot %}`);
    // Blank lines in front keep the body's line numbers those of the file, for error messages.
    out.push({ name: m[1]!, body: '\n'.repeat(lineAt(source, start) - 1) + source.slice(start, close.index) });
  }
  return out;
}

/** Reads the `{% snapshot %}` blocks of snapshot-path files. */
export function readSnapshotBlocks(files: ProjectFileRef[], rootOf: (rel: string) => string, pkg: string | null): SnapshotBlock[] {
  return files.flatMap((f) => {
    const text = readFileSync(f.abs, 'utf8');
    return snapshotBlocks(text, f.rel).map((b) => ({ ...f, root: rootOf(f.rel), package: pkg, name: b.name, source: b.body, template: compileTemplate(b.body, f.rel) }));
  });
}
