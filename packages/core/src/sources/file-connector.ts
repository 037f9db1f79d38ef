import type { z } from 'zod';
import type { SourceConfig } from '../config/schemas';
import { DangoError } from '../errors';
import { defineConnector, SourceFileError, type Connector, type ConnectorDefinition } from './connectors/connector';
import { loadFiles, type FileReader } from './file-load';
import { planFileSync, type FileDescription, type FilePlan } from './file-plan';
import { assertSourceDirectory, fileSourceBlock, fileSourceSpec, scanFiles, type DiskFile } from './file-source';
import { ensureTrackingTable, markFailed, type Reader } from './file-tracking';

/** The table a file source loads into (`<type>.table`, else the source name). */
export function fileTableName(source: SourceConfig): string {
  return fileSourceBlock(source).table ?? source.name;
}

/** What makes a file format a source type; the file-source base does tracking, lineage, loading and files. */
export interface FileConnectorDefinition<S extends z.ZodType> extends Pick<ConnectorDefinition<z.output<S>>, 'type' | 'validate' | 'sourceTemplate'> {
  /** The config block's schema; it must have `directory` and `file_pattern` (and may have `table`). */
  configSchema: S;
  /** Reads one file's columns and read options without loading it (runs outside the write queue). */
  describe(read: Reader, file: DiskFile, source: SourceConfig): Promise<FileDescription>;
  reader: FileReader;
  /**
   * Reconciles the descriptions of one sync's files before the load (CSV: one date format per source);
   * may describe files again and replace their `described`, or throw a `SourceFileError`.
   */
  settle?(read: Reader, plans: FilePlan[], source: SourceConfig): Promise<void>;
  /**
   * Lets files that read alike share one description (see `PlanInput.share`): `key` is null for a file
   * that must be described on its own; `borrow` adapts the shared description for a file not sniffed itself.
   */
  share?: {
    key(file: DiskFile, source: SourceConfig): Promise<string | null>;
    borrow(described: FileDescription): FileDescription;
  };
}

/**
 * A source type whose data is files in a directory: change detection by size, mtime and hash,
 * per-file incremental loads, `_dango_file_id` lineage, and the upload/list/delete routes.
 */
export function defineFileConnector<S extends z.ZodType>(definition: FileConnectorDefinition<S>): Connector<z.output<S>> {
  const { describe, reader, settle, share, ...rest } = definition;
  return defineConnector({
    ...rest,
    files: { spec: fileSourceSpec },

    async prepare(ctx) {
      const table = fileTableName(ctx.source);
      const read = ctx.warehouse.query.bind(ctx.warehouse) as Reader;
      const spec = fileSourceSpec(ctx.source, ctx.root);
      await assertSourceDirectory(ctx.source, spec, ctx.warn);
      const plan = await planFileSync({
        spec,
        source: ctx.source.name,
        table,
        fullRefresh: ctx.options.fullRefresh,
        read,
        describe: (file) => describe(read, file, ctx.source),
        share: share && { key: (file) => share.key(file, ctx.source), borrow: share.borrow },
        warn: ctx.warn,
      });
      await settle?.(read, plan.plans, ctx.source);
      const redescribe = async (plans: FilePlan[]): Promise<void> => {
        const borrowed = plans.filter((p) => p.borrowed);
        for (let i = 0; i < borrowed.length; i += 4) {
          await Promise.all(borrowed.slice(i, i + 4).map(async (p) => {
            p.described = await describe(read, p.file, ctx.source);
            p.borrowed = false;
          }));
        }
        if (borrowed.length > 0) await settle?.(read, plans, ctx.source);
      };
      return { load: (conn) => loadFiles(conn, { ctx, table, reader, redescribe, ...plan }) };
    },

    async check(ctx) {
      const spec = fileSourceSpec(ctx.source, ctx.root);
      await assertSourceDirectory(ctx.source, spec);
      const files = await scanFiles(spec);
      return { tables: [{ name: fileTableName(ctx.source), files: files.map((f) => f.rel) }] };
    },

    async recordFailure(conn, source, error) {
      if (!(error instanceof SourceFileError)) return;
      await ensureTrackingTable(conn);
      await markFailed(conn, source.name, fileTableName(source), error.file, error.message);
    },
  });
}

/** The file access of a source's connector; BAD_REQUEST when the source has no files. */
export function assertFileSource(connector: Connector, source: SourceConfig): NonNullable<Connector['files']> {
  if (!connector.files) throw new DangoError('BAD_REQUEST', `Source '${source.name}' is a ${source.type} source, not a file source`);
  return connector.files;
}
