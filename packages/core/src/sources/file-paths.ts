import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { DangoError } from '../errors';

function isInside(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/**
 * Reduces a client-supplied file name to a safe basename (any directory part is dropped, so
 * `../x.csv` becomes `x.csv`); dot-files are refused because in-progress uploads use that namespace.
 */
export function safeBasename(raw: unknown): string {
  if (typeof raw !== 'string') throw new DangoError('BAD_REQUEST', 'The uploaded file has no file name');
  // eslint-disable-next-line no-control-regex
  const name = raw.replace(/\\/g, '/').split('/').pop()!.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (name === '' || name.startsWith('.')) {
    throw new DangoError('BAD_REQUEST', `Invalid file name '${raw}': it must be a plain file name that does not start with '.'`);
  }
  if (Buffer.byteLength(name) > 255) throw new DangoError('BAD_REQUEST', 'Invalid file name: longer than 255 bytes');
  return name;
}

/**
 * Resolves an absolute path, or one relative to `dir`, to an existing file inside `dir`, following
 * symlinks: FORBIDDEN when it (or its link target) lies outside, NOT_FOUND when absent.
 */
export async function resolveInsideDirectory(dir: string, filePath: unknown): Promise<string> {
  if (typeof filePath !== 'string' || filePath.trim() === '' || filePath.includes('\0')) {
    throw new DangoError('BAD_REQUEST', 'file_path must be a non-empty path');
  }
  const abs = path.isAbsolute(filePath) ? path.normalize(filePath) : path.resolve(dir, filePath);
  const realDir = await realpath(dir).catch(() => dir);
  if (!isInside(dir, abs) && !isInside(realDir, abs)) {
    throw new DangoError('FORBIDDEN', `Access denied: ${filePath} is outside the source directory`);
  }
  let real: string;
  try {
    real = await realpath(abs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new DangoError('NOT_FOUND', `File not found: ${filePath}`);
    throw err;
  }
  if (!isInside(realDir, real)) {
    throw new DangoError('FORBIDDEN', `Access denied: ${filePath} resolves outside the source directory`);
  }
  if (!(await stat(real)).isFile()) throw new DangoError('BAD_REQUEST', `${filePath} is not a file`);
  return abs;
}

/**
 * The containment rule of `resolveInsideDirectory` for a directory walk: a symlink found under `dir`
 * counts only when its target (followed to the end) lies inside `dir`'s real path too. Returns the
 * check for one walk, so the directory's own real path is resolved once; a dangling link is outside.
 */
export function containedLinks(dir: string): (link: string) => Promise<boolean> {
  let realDir: Promise<string> | null = null;
  return async (link) => {
    realDir ??= realpath(dir).catch(() => dir);
    const real = await realpath(link).catch(() => null);
    return real !== null && isInside(await realDir, real);
  };
}
