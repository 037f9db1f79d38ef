import type { SourceCheck } from '@dango/core';
import { plural } from '../format';
import { CliExit, type CliIo } from '../io';
import { openBackend } from '../open-backend';
import { resolveProjectDir } from '../project';
import { RemoteBackend } from '../remote-backend';

/** The lines of a check's report: a headline, then one line per table (its files or columns). */
export function checkReport(check: SourceCheck): string[] {
  const head = `${check.source} (${check.type}): ${check.ok ? 'OK' : `FAILED: ${check.error ?? 'unknown error'}`}`;
  const tables = check.tables.map((t) => {
    const detail = t.files
      ? `${plural(t.files.length, 'file')}${t.files.length ? `: ${t.files.join(', ')}` : ''}`
      : t.columns
        ? t.columns.map((c) => `${c.name} ${c.type}`).join(', ')
        : '';
    return `  ${t.name}${detail ? `: ${detail}` : ''}`;
  });
  return [head, ...tables];
}

/** Runs `dango source check <name>`: in process, or through the running server. */
export async function runSourceCheck(name: string, opts: { project?: string }, io: CliIo): Promise<void> {
  const root = resolveProjectDir(opts.project);
  const backend = await openBackend(root, io);
  let check: SourceCheck;
  try {
    check = backend instanceof RemoteBackend
      ? await backend.client.post<SourceCheck>(`/api/sources/${encodeURIComponent(name)}/check`)
      : await (await backend.open()).checkSource(name);
  } finally {
    await backend.close();
  }
  for (const line of checkReport(check)) io.out(line);
  if (!check.ok) throw new CliExit(1);
}
