import { isMap, isSeq, parseDocument, type Document, type YAMLMap } from 'yaml';
import { BUILTIN_CONNECTORS, DangoError, parseConfigText, sourcesFileSchema, type SourceTemplate } from '@dango/core';

/** The source types `dango source add` can write a block for: every built-in connector with a template. */
export function templateTypes(): string[] {
  return BUILTIN_CONNECTORS.filter((c) => c.sourceTemplate).map((c) => c.type);
}

/** The template of a type; BAD_REQUEST naming the types that have one. */
export function sourceTemplate(type: string): SourceTemplate {
  const template = BUILTIN_CONNECTORS.find((c) => c.type === type)?.sourceTemplate;
  if (!template) throw new DangoError('BAD_REQUEST', `Unknown source type '${type}' (dango source add knows: ${templateTypes().join(', ')})`);
  return template;
}

/**
 * Returns `text` (the current sources.yml, or null when there is none) with a commented source block
 * appended; the file's own comments are kept. The result is validated as a whole before it is returned.
 */
export function addSourceBlock(text: string | null, type: string, name: string, description?: string): string {
  const template = sourceTemplate(type);
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
