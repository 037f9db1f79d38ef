import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { isGenerated } from '../transform/staging-generator';

async function head(file: string, bytes: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * True for a file the staging generator wrote. Such files change only during a sync, whose own
 * after-sync hook already ran the models, so reacting to them would run the models twice.
 */
export async function isGeneratedFile(file: string): Promise<boolean> {
  try {
    return isGenerated(await head(file, 512));
  } catch {
    return false;
  }
}

/**
 * The models a changed model file stands for: a `.sql` file is the model of its name; a YAML file
 * stands for the models it documents (`models: [{name}]`). Unreadable or foreign YAML yields none.
 */
export async function modelsOfFile(file: string): Promise<string[]> {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.sql') return [path.basename(file, path.extname(file))];
  let doc: unknown;
  try {
    doc = parse(await readFile(file, 'utf8'));
  } catch {
    return [];
  }
  const models = (doc as { models?: unknown } | null)?.models;
  if (!Array.isArray(models)) return [];
  return models
    .map((m) => (m && typeof m === 'object' ? (m as { name?: unknown }).name : undefined))
    .filter((n): n is string => typeof n === 'string' && n.length > 0);
}
