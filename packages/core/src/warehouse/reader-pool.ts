import type { DuckDBConnection } from '@duckdb/node-api';

/** Figures of a reader pool, for tests and diagnostics. */
export interface ReaderPoolStats {
  /** The most connections the pool may hold. */
  limit: number;
  /** Connections open now (idle, busy or being opened). */
  open: number;
  /** The most connections ever open at once. */
  peak: number;
  /** Connections running (or being opened for) a read now. */
  busy: number;
  /** Reads waiting for a connection. */
  waiting: number;
}

interface Waiter {
  resolve(conn: DuckDBConnection): void;
  reject(err: unknown): void;
}

/**
 * A bounded set of DuckDB reader connections handed out first come, first served. Every connection
 * costs memory and a share of DuckDB's threads, so 500 concurrent requests must queue rather than open
 * 500 connections.
 */
export class ReaderPool {
  private readonly idle: DuckDBConnection[] = [];
  private readonly all = new Set<DuckDBConnection>();
  private readonly waiters: Waiter[] = [];
  private opening = 0;
  private busy = 0;
  private peak = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly connect: () => Promise<DuckDBConnection>,
    /** The most connections open at once. */
    readonly limit: number,
  ) {}

  /** Current figures. */
  get stats(): ReaderPoolStats {
    return { limit: this.limit, open: this.all.size + this.opening, peak: this.peak, busy: this.busy + this.opening, waiting: this.waiters.length };
  }

  /** A connection for one read; waits in line when all `limit` are busy. */
  acquire(): Promise<DuckDBConnection> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.pump();
    });
  }

  /** Gives a connection back: the oldest waiting read gets it. */
  release(conn: DuckDBConnection): void {
    this.busy--;
    this.idle.push(conn);
    this.pump();
    this.notifyIdle();
  }

  /** Fails every read still waiting for a connection (those running are not touched). */
  rejectWaiting(err: Error): void {
    for (const w of this.waiters.splice(0)) w.reject(err);
  }

  /** Resolves once no connection is busy or being opened. */
  async whenIdle(): Promise<void> {
    while (this.busy > 0 || this.opening > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  /** Closes every connection; only call when idle (a busy connection closed under DuckDB crashes the process). */
  closeAll(): void {
    for (const c of this.all) c.closeSync();
    this.all.clear();
    this.idle.length = 0;
  }

  private pump(): void {
    while (this.waiters.length > 0) {
      const conn = this.idle.pop();
      if (conn) {
        this.busy++;
        this.waiters.shift()!.resolve(conn);
        continue;
      }
      if (this.all.size + this.opening >= this.limit) return;
      this.open(this.waiters.shift()!);
    }
  }

  private open(waiter: Waiter): void {
    this.opening++;
    this.peak = Math.max(this.peak, this.all.size + this.opening);
    this.connect().then(
      (conn) => {
        this.opening--;
        this.all.add(conn);
        this.busy++;
        waiter.resolve(conn);
      },
      (err: unknown) => {
        this.opening--;
        waiter.reject(err);
        this.notifyIdle();
        this.pump();
      },
    );
  }

  private notifyIdle(): void {
    if (this.busy > 0 || this.opening > 0) return;
    for (const r of this.idleWaiters.splice(0)) r();
  }
}
