import { memoryLimitSchema, resolveInProject, type ProjectConfig } from '../config';
import { DangoError } from '../errors';
import type { WarehouseOpenOptions } from './warehouse';

/**
 * The DuckDB settings of `platform.duckdb` as warehouse options; a memory limit given in code or on
 * the command line (validated the same way) wins over the file's.
 */
export function duckdbOpenOptions(config: ProjectConfig, memoryLimit?: string): WarehouseOpenOptions {
  const settings = config.platform.duckdb ?? {};
  let limit = settings.memory_limit;
  if (memoryLimit !== undefined) {
    const parsed = memoryLimitSchema.safeParse(memoryLimit);
    if (!parsed.success) throw new DangoError('BAD_REQUEST', `Invalid memory limit '${memoryLimit}': ${parsed.error.issues[0]?.message}`);
    limit = parsed.data;
  }
  return {
    memoryLimit: limit,
    threads: settings.threads,
    tempDirectory: settings.temp_directory === undefined ? undefined : resolveInProject(config.root, settings.temp_directory),
  };
}
