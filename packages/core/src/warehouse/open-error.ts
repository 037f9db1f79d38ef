import { DangoError, errorMessage } from '../errors';

/** DuckDB's words for a file lock held by another process (not "block", which also contains "lock"). */
const LOCK_CONFLICT_RE = /could not set lock on file|conflicting lock/i;

/** DuckDB's words for a file whose bytes are wrong: a bad checksum, a foreign or truncated file. */
const DAMAGED_RE = /corrupt database file|does not match stored checksum|not a valid duckdb database file|database file .* (is )?truncated/i;

/** The error to report when DuckDB cannot open the warehouse file: in use, damaged, or another cause. */
export function warehouseOpenError(file: string, err: unknown): DangoError {
  const msg = errorMessage(err);
  if (LOCK_CONFLICT_RE.test(msg)) {
    return new DangoError('CONFLICT', `The warehouse ${file} is in use by another process (is \`dango start\` running?)`, { cause: err });
  }
  if (DAMAGED_RE.test(msg)) {
    return new DangoError(
      'INTERNAL',
      `The warehouse file ${file} is damaged and cannot be opened (DuckDB: ${msg.split('\n')[0]}). ` +
        `Restore ${file} from your latest backup; or move it aside and run \`dango sync\` to rebuild the raw tables from the sources ` +
        '(models are rebuilt by `dango run`).',
      { cause: err },
    );
  }
  return new DangoError('INTERNAL', `Cannot open the warehouse ${file}: ${msg}`, { cause: err });
}
