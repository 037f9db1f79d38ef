import { DangoError } from '../errors';
import type { ResolvedSyncOptions } from './connectors/connector';
import type { SyncOptions } from './types';

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function checkDate(label: string, value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || !DATE_RE.test(value)) {
    throw new DangoError('BAD_REQUEST', `${label} must be a date as YYYY-MM-DD, got '${String(value)}'`);
  }
  const d = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
    throw new DangoError('BAD_REQUEST', `${label} '${value}' is not a real calendar date`);
  }
  return value;
}

/** Validates sync options (dates `YYYY-MM-DD`, start <= end) and fills defaults. */
export function resolveSyncOptions(options: SyncOptions | undefined | null): ResolvedSyncOptions {
  const o = options ?? {};
  if (typeof o !== 'object') throw new DangoError('BAD_REQUEST', 'Sync options must be an object');
  for (const flag of ['fullRefresh', 'allowEmpty'] as const) {
    if (o[flag] !== undefined && o[flag] !== null && typeof o[flag] !== 'boolean') {
      throw new DangoError('BAD_REQUEST', `${flag} must be true or false`);
    }
  }
  const startDate = checkDate('start_date', o.startDate);
  const endDate = checkDate('end_date', o.endDate);
  if (startDate && endDate && startDate > endDate) {
    throw new DangoError('BAD_REQUEST', `start_date ${startDate} is after end_date ${endDate}`);
  }
  return { fullRefresh: o.fullRefresh === true, allowEmpty: o.allowEmpty === true, startDate, endDate };
}
