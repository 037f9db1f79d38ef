import { isMap, isSeq, parseDocument, type Document, type YAMLMap } from 'yaml';
import { DangoError, parseConfigText, sourcesFileSchema } from '@dango/core';

/** What `dango source add` knows about a type: its config block and the comment of each key. */
interface SourceTemplate {
  /** One line about the type, above the block. */
  summary: (name: string) => string;
  /** The `<type>:` block with its defaults for a source called `name`. */
  block: (name: string) => Record<string, unknown>;
  /** Why each key of the block is there (written as a comment after it). */
  comments: Record<string, string>;
  /** Optional keys shown as commented examples under the block. */
  optional: string[];
}

/** The source types `dango source add` can scaffold. */
export const SOURCE_TEMPLATES: Record<string, SourceTemplate> = {
  csv: {
    summary: (name) => `${name}: CSV files dropped into data/uploads/${name}/ (or uploaded through the API)`,
    block: (name) => ({ directory: `data/uploads/${name}`, file_pattern: '*.csv' }),
    comments: { directory: 'folder the files are read from, relative to the project', file_pattern: 'which files of the folder belong to this source' },
    optional: ['table: <name>           # raw table name (default: the source name)', 'delimiter: ";"           # when DuckDB should not detect it', 'header: true             # whether the first line names the columns'],
  },
};

/**
 * Returns `text` (the current sources.yml, or null when there is none) with a commented source block
 * appended; the file's own comments are kept. The result is validated as a whole before it is returned.
 */
export function addSourceBlock(text: string | null, type: string, name: string, description?: string): string {
  const template = SOURCE_TEMPLATES[type];
  if (!template) throw new DangoError('BAD_REQUEST', `Unknown source type '${type}' (dango source add knows: ${Object.keys(SOURCE_TEMPLATES).join(', ')})`);
  const doc: Document = parseDocument(text ?? 'sources: []\n');
  if (doc.errors.length) throw new DangoError('CONFIG_INVALID', `Cannot edit .dango/sources.yml: ${doc.errors[0]!.message.split('\n')[0]}`);
  let sources = doc.get('sources');
  if (!isSeq(sources)) {
    if (sources !== null && sources !== undefined) throw new DangoError('CONFIG_INVALID', 'Cannot edit .dango/sources.yml: `sources` is not a list');
    doc.set('sources', doc.createNode([]));
    sources = doc.get('sources');
  }
  if (!isSeq(sources)) throw new DangoError('INTERNAL', 'sources is not a list');
  if (sources.items.some((s) => isMap(s) && s.get('name') === name)) throw new DangoError('CONFLICT', `A source named '${name}' already exists in .dango/sources.yml`);
  const entry = doc.createNode({ name, type, enabled: true, ...(description ? { description } : {}), [type]: template.block(name) }) as YAMLMap;
  entry.commentBefore = ` ${template.summary(name)}`;
  const block = entry.get(type) as YAMLMap;
  for (const pair of block.items) {
    const key = String((pair.key as { value: unknown }).value);
    const comment = template.comments[key];
    if (comment && pair.value && typeof pair.value === 'object') (pair.value as { comment?: string }).comment = ` ${comment}`;
  }
  if (template.optional.length) block.comment = template.optional.map((l) => ` ${l}`).join('\n');
  sources.flow = false;
  sources.items.push(entry);
  const out = doc.toString();
  parseConfigText(sourcesFileSchema, out, '.dango/sources.yml');
  return out;
}
