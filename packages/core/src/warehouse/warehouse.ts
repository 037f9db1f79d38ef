import { mkdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { DangoError, errorMessage } from '../errors';
import { toPlain } from './rows';
import { WriteQueue } from './write-queue';

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
  private readonly idleReaders: DuckDBConnection[] = [];
  private readonly allReaders = new Set<DuckDBConnection>();
  private closed = false;
  private activeReads = 0;
  private readsDrained: (() => void) | null = null;
  /** Set while the file is released to another process; reads wait for it. */
  private released: Promise<void> | null = null;

  private constructor(
    /** Absolute path of the database file, or `:memory:`. */
    readonly path: string,
    private instance: DuckDBInstance,
    private writer: DuckDBConnection,
    private readonly config: Record<string, string>,
  ) {}

  /** Opens (or creates) the database file; fails with a clear message when another process holds it. */
  static async open(file: string, options: { memoryLimit?: string; threads?: number } = {}): Promise<Warehouse> {
    const isMemory = file === ':memory:';
    const key = isMemory ? null : path.resolve(file);
    if (key && Warehouse.openFiles.has(key)) {
      throw new DangoError('CONFLICT', `The warehouse ${key} is already open in this process; share one DangoPlatform per project`);
    }
    if (!isMemory) mkdirSync(path.dirname(file), { recursive: true });
    const config: Record<string, string> = {};
    if (options.memoryLimit) config.memory_limit = options.memoryLimit;
    if (options.threads) config.threads = String(options.threads);
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(file, config);
    } catch (err) {
      const msg = errorMessage(err);
      if (/lock/i.test(msg)) {
        throw new DangoError('CONFLICT', `The warehouse ${file} is in use by another process (is \`dango start\` running?)`, { cause: err });
      }
      throw new DangoError('INTERNAL', `Cannot open the warehouse ${file}: ${msg}`, { cause: err });
    }
    const writer = await instance.connect();
    await writer.run('CREATE SCHEMA IF NOT EXISTS _dango');
    if (key) Warehouse.openFiles.add(key);
    return new Warehouse(key ?? file, instance, writer, config);
  }

  /** Writes queued or running. */
  get pendingWrites(): number {
    return this.queue.size;
  }

  /** Runs a read-only query concurrently with writes (it sees the last committed state). */
  async query<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T[]> {
    while (this.released) await this.released;
    this.activeReads++;
    try {
      const conn = await this.acquireReader();
      try {
        return await all<T>(conn, sql, params);
      } finally {
        this.releaseReader(conn);
      }
    } finally {
      if (--this.activeReads === 0) this.readsDrained?.();
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
        if (this.activeReads > 0) await new Promise<void>((r) => (this.readsDrained = r));
        this.readsDrained = null;
        this.closeConnections();
        try {
          return await job();
        } finally {
          this.instance = await DuckDBInstance.create(this.path, this.config);
          this.writer = await this.instance.connect();
        }
      } finally {
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
    });
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

  /** Waits for queued writes, then closes every connection and the instance. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue.drain();
    this.closed = true;
    this.closeConnections();
    Warehouse.openFiles.delete(this.path);
  }

  private closeConnections(): void {
    for (const c of this.allReaders) c.closeSync();
    this.allReaders.clear();
    this.idleReaders.length = 0;
    this.writer.closeSync();
    this.instance.closeSync();
  }

  private assertOpen(): void {
    if (this.closed) throw new DangoError('INTERNAL', 'The warehouse is closed');
  }

  private async acquireReader(): Promise<DuckDBConnection> {
    this.assertOpen();
    const idle = this.idleReaders.pop();
    if (idle) return idle;
    const conn = await this.instance.connect();
    this.allReaders.add(conn);
    return conn;
  }

  private releaseReader(conn: DuckDBConnection): void {
    if (this.closed) return;
    if (this.idleReaders.length < 8) this.idleReaders.push(conn);
    else {
      this.allReaders.delete(conn);
      conn.closeSync();
    }
  }
}
