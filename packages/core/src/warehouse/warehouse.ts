import { mkdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { DangoError } from '../errors';
import { warehouseOpenError } from './open-error';
import { ReaderPool, type ReaderPoolStats } from './reader-pool';
import { toPlain } from './rows';
import { WriteQueue } from './write-queue';

/** DuckDB settings applied when the warehouse opens. */
export interface WarehouseOpenOptions {
  /** DuckDB `memory_limit`, such as `'512MB'` or `'2GiB'`. */
  memoryLimit?: string;
  /** DuckDB `threads`: worker threads of each query. */
  threads?: number;
  /** DuckDB `temp_directory`: where operators that exceed the memory limit spill. */
  tempDirectory?: string;
  /** The most reader connections open at once (default: twice the cores, at least 4). */
  readers?: number;
}

/** Reader connections beyond this many per core only add memory: DuckDB's threads do the parallel work. */
const READERS_PER_CORE = 2;

/** The default bound of concurrent reader connections. */
export function defaultReaderLimit(): number {
  return Math.max(4, READERS_PER_CORE * os.availableParallelism());
}

/** Values bound to `$1`-style or `$name` parameters. */
export type SqlParams = unknown[] | Record<string, unknown>;

/** One connection handed to a write job; SQL run here is serialised with every other write. */
export interface WarehouseConnection {
  /** Runs a statement (or several separated by `;` when no params are given). */
  run(sql: string, params?: SqlParams): Promise<void>;
  /** Runs a query and returns its rows as plain objects. */
  all<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T[]>;
  /** The underlying DuckDB connection, for the appender. */
  readonly raw: DuckDBConnection;
}

/** Options of a write job. */
export interface WriteOptions {
  /** Wrap the job in BEGIN/COMMIT, rolling back when it throws. */
  transaction?: boolean;
}

async function all<T>(conn: DuckDBConnection, sql: string, params?: SqlParams): Promise<T[]> {
  const reader = await conn.runAndReadAll(sql, params as never);
  return reader.getRowObjectsJS().map((r) => toPlain(r) as T);
}

function wrap(conn: DuckDBConnection): WarehouseConnection {
  return {
    raw: conn,
    run: async (sql, params) => {
      await conn.run(sql, params as never);
    },
    all: (sql, params) => all(conn, sql, params),
  };
}

/**
 * The embedded DuckDB warehouse: one instance per platform, concurrent reads on pooled
 * connections, and every write through one queue so loads never interleave.
 */
export class Warehouse {
  /** Files open in this process: two DuckDB instances on one file silently diverge, so a second open is refused. */
  private static readonly openFiles = new Set<string>();
  private readonly queue = new WriteQueue();
  private readonly readers: ReaderPool;
  /** Set once close() starts: new and waiting reads fail at once, running ones finish. */
  private closing = false;
  private closingDone: Promise<void> = Promise.resolve();
  private closed = false;
  private reads = 0;
  private generation = 0;
  /** Set while the file is released to another process; reads wait for it. */
  private released: Promise<void> | null = null;

  private constructor(
    /** Absolute path of the database file, or `:memory:`. */
    readonly path: string,
    private instance: DuckDBInstance,
    private writer: DuckDBConnection,
    private readonly config: Record<string, string>,
    readerLimit: number,
  ) {
    this.readers = new ReaderPool(() => this.instance.connect(), readerLimit);
  }

  /** Opens (or creates) the database file; fails with a clear message when another process holds it or the file is damaged. */
  static async open(file: string, options: WarehouseOpenOptions = {}): Promise<Warehouse> {
    const isMemory = file === ':memory:';
    const key = isMemory ? null : path.resolve(file);
    if (key && Warehouse.openFiles.has(key)) {
      throw new DangoError('CONFLICT', `The warehouse ${key} is already open in this process; share one DangoPlatform per project`);
    }
    if (!isMemory) mkdirSync(path.dirname(file), { recursive: true });
    const config: Record<string, string> = {};
    if (options.memoryLimit) config.memory_limit = options.memoryLimit;
    if (options.threads) config.threads = String(options.threads);
    if (options.tempDirectory) config.temp_directory = options.tempDirectory;
    let instance: DuckDBInstance;
    let writer: DuckDBConnection;
    try {
      instance = await DuckDBInstance.create(file, config);
    } catch (err) {
      throw warehouseOpenError(file, err);
    }
    try {
      writer = await instance.connect();
      // Reads the catalog, so a damaged metadata block fails here rather than in the first request.
      await writer.run('CREATE SCHEMA IF NOT EXISTS _dango');
    } catch (err) {
      instance.closeSync();
      throw warehouseOpenError(file, err);
    }
    if (key) Warehouse.openFiles.add(key);
    return new Warehouse(key ?? file, instance, writer, config, options.readers ?? defaultReaderLimit());
  }

  /**
   * Grows by one after every write job settles and after the file comes back from another process:
   * what a reader read at one generation stays true until the next (`query()` is for reads only).
   */
  get writeGeneration(): number {
    return this.generation;
  }

  /** Reads issued since open (each `query()` call counts once), so tests can check what a call costs. */
  get queryCount(): number {
    return this.reads;
  }

  /** The reader pool's bound and use. */
  get readerStats(): ReaderPoolStats {
    return this.readers.stats;
  }

  /** Writes queued or running. */
  get pendingWrites(): number {
    return this.queue.size;
  }

  /** Runs a read-only query concurrently with writes (it sees the last committed state); `signal` interrupts it. */
  async query<T = Record<string, unknown>>(sql: string, params?: SqlParams, options: { signal?: AbortSignal } = {}): Promise<T[]> {
    this.reads++;
    this.assertReadable();
    while (this.released) await this.released;
    this.assertReadable();
    const conn = await this.readers.acquire();
    const stop = () => conn.interrupt();
    options.signal?.addEventListener('abort', stop, { once: true });
    try {
      options.signal?.throwIfAborted();
      return await all<T>(conn, sql, params);
    } finally {
      options.signal?.removeEventListener('abort', stop);
      this.readers.release(conn);
    }
  }

  /**
   * Closes the DuckDB file while `job` runs and reopens it afterwards, so another process (a real
   * `dbt` run) can write to it: DuckDB allows one writer process. Writes queue and reads wait meanwhile.
   */
  releaseDuring<T>(job: () => Promise<T>): Promise<T> {
    this.assertOpen();
    if (this.path === ':memory:') return job();
    return this.queue.run(async () => {
      let reopen!: () => void;
      this.released = new Promise<void>((r) => (reopen = r));
      try {
        // Reads already waiting for a connection still run; reads issued from now on wait for the reopen.
        await this.readers.whenIdle();
        this.closeConnections();
        try {
          return await job();
        } finally {
          this.instance = await DuckDBInstance.create(this.path, this.config);
          this.writer = await this.instance.connect();
        }
      } finally {
        this.generation++;
        this.released = null;
        reopen();
      }
    });
  }

  /** Runs `job` alone on the write connection, optionally inside one transaction. */
  write<T>(job: (conn: WarehouseConnection) => Promise<T>, options: WriteOptions = {}): Promise<T> {
    this.assertOpen();
    return this.queue.run(async () => {
      this.assertOpen();
      try {
        return await this.runWrite(job, options);
      } finally {
        // After the commit (or rollback), so a reader that saw the old generation re-reads.
        this.generation++;
      }
    });
  }

  private async runWrite<T>(job: (conn: WarehouseConnection) => Promise<T>, options: WriteOptions): Promise<T> {
    const conn = wrap(this.writer);
    if (!options.transaction) return job(conn);
    await this.writer.run('BEGIN TRANSACTION');
    try {
      const result = await job(conn);
      await this.writer.run('COMMIT');
      return result;
    } catch (err) {
      await this.writer.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /** Size in bytes of the database file plus its WAL (0 in memory or before the first write). */
  async sizeBytes(): Promise<number> {
    if (this.path === ':memory:') return 0;
    let total = 0;
    for (const f of [this.path, `${this.path}.wal`]) {
      try {
        total += (await stat(f)).size;
      } catch {
        /* absent file counts as zero */
      }
    }
    return total;
  }

  /**
   * Refuses new reads and fails those waiting for a connection, waits for queued writes and running
   * reads, then closes every connection and the instance: closing a connection DuckDB is still
   * reading on crashes the process.
   */
  async close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      this.readers.rejectWaiting(closedError());
      this.closingDone = (async () => {
        await this.queue.drain();
        this.closed = true;
        await this.readers.whenIdle();
        this.closeConnections();
        Warehouse.openFiles.delete(this.path);
      })();
    }
    await this.closingDone;
  }

  private closeConnections(): void {
    this.readers.closeAll();
    this.writer.closeSync();
    this.instance.closeSync();
  }

  private assertOpen(): void {
    if (this.closed) throw closedError();
  }

  private assertReadable(): void {
    if (this.closing) throw closedError();
  }
}

function closedError(): DangoError {
  return new DangoError('CONFLICT', 'The warehouse is closed: the platform is shutting down');
}
