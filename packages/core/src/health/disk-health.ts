import { statfs } from 'node:fs/promises';
import { errorMessage } from '../errors';
import { toGb, type HealthThresholds } from './thresholds';
import type { HealthReport } from './types';

/** Free and total bytes of a filesystem. */
export interface DiskFigures {
  freeBytes: number;
  totalBytes: number;
}

/** The disk part of the health report, plus the sentences it contributes. */
export interface DiskHealth {
  disk: HealthReport['disk'];
  critical: string[];
  warnings: string[];
}

/** Free (available to this user) and total space of the filesystem holding `dir`. */
export async function measureDisk(dir: string): Promise<DiskFigures> {
  const s = await statfs(dir);
  return { freeBytes: Number(s.bavail) * Number(s.bsize), totalBytes: Number(s.blocks) * Number(s.bsize) };
}

/** Rates the figures: `critical` and `low` trip on either absolute free space or the free fraction. */
export async function diskHealth(measure: () => Promise<DiskFigures>, t: HealthThresholds): Promise<DiskHealth> {
  let f: DiskFigures;
  try {
    f = await measure();
  } catch (err) {
    return { disk: { status: 'unknown', free_gb: 0, total_gb: 0 }, critical: [], warnings: [`Disk space cannot be measured: ${errorMessage(err)}`] };
  }
  const ratio = f.totalBytes > 0 ? f.freeBytes / f.totalBytes : 0;
  const disk: HealthReport['disk'] = { status: 'ok', free_gb: toGb(f.freeBytes), total_gb: toGb(f.totalBytes) };
  const figures = `${disk.free_gb} GB free of ${disk.total_gb} GB (${Math.round(ratio * 100)}%)`;
  if (f.freeBytes < t.diskCriticalFreeBytes || ratio < t.diskCriticalFreeRatio) {
    return { disk: { ...disk, status: 'critical' }, critical: [`Disk space is critically low: ${figures}; syncs may fail`], warnings: [] };
  }
  if (f.freeBytes < t.diskLowFreeBytes || ratio < t.diskLowFreeRatio) {
    return { disk: { ...disk, status: 'low' }, critical: [], warnings: [`Disk space is low: ${figures}`] };
  }
  return { disk, critical: [], warnings: [] };
}
