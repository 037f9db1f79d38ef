const GIB = 1024 ** 3;

/** The figures that decide database, disk and freshness states (design section 6). */
export interface HealthThresholds {
  /** Below this the database is `small`. */
  databaseSmallBytes: number;
  /** Below this (and not small) the database is `medium`; at or above it `large`, which is a warning. */
  databaseMediumBytes: number;
  /** Disk is `low` below this many free bytes... */
  diskLowFreeBytes: number;
  /** ...or below this free fraction of the filesystem. */
  diskLowFreeRatio: number;
  /** Disk is `critical` below this many free bytes... */
  diskCriticalFreeBytes: number;
  /** ...or below this free fraction. */
  diskCriticalFreeRatio: number;
  /** A source whose last successful sync is older than this many days is stale. */
  staleSourceDays: number;
}

/** The documented defaults: small < 1 GiB, medium < 10 GiB; disk low < 10 GiB or 10 %, critical < 2 GiB or 2 %; stale after 7 days. */
export const DEFAULT_HEALTH_THRESHOLDS: Readonly<HealthThresholds> = Object.freeze({
  databaseSmallBytes: 1 * GIB,
  databaseMediumBytes: 10 * GIB,
  diskLowFreeBytes: 10 * GIB,
  diskLowFreeRatio: 0.1,
  diskCriticalFreeBytes: 2 * GIB,
  diskCriticalFreeRatio: 0.02,
  staleSourceDays: 7,
});

/** Bytes as GiB rounded to one decimal, as the health report shows sizes. */
export function toGb(bytes: number): number {
  return Math.round((bytes / GIB) * 10) / 10;
}
