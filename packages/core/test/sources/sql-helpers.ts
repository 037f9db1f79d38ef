import { randomBytes } from 'node:crypto';
import mysqlPromise from 'mysql2/promise';
import pg from 'pg';
import type { DangoEventMap, DangoEventType } from '../../src/events';
import type { DangoPlatform } from '../../src/platform';

/** The test PostgreSQL server (trust auth: any password is accepted, so a password in a URL can be checked for leaks). */
export const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** A unique lower-case name for a test schema, database or role. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** An admin connection to the test PostgreSQL database and a private schema that `drop()` removes. */
export async function pgSchema(): Promise<{ client: pg.Client; schema: string; sql: (text: string, params?: unknown[]) => Promise<pg.QueryResult>; drop: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  const schema = uniqueName('dango_t');
  await client.query(`CREATE SCHEMA ${schema}`);
  return {
    client,
    schema,
    sql: (text, params) => client.query(text, params),
    drop: async () => {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
      await client.end();
    },
  };
}

/** Resolves with the first event of `type` that satisfies `match`. */
export function nextEvent<K extends DangoEventType>(platform: DangoPlatform, type: K, match: (e: DangoEventMap[K]) => boolean): Promise<DangoEventMap[K]> {
  return new Promise((resolve) => {
    const listener = (e: DangoEventMap[K]) => {
      if (!match(e)) return;
      platform.off(type, listener as never);
      resolve(e);
    };
    platform.on(type, listener as never);
  });
}

/**
 * Resolves once `condition` holds, checking every 20 ms for up to 20 s. For states of a database
 * server (a session blocked on a lock) that no event announces.
 */
export async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached within 20 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The test MariaDB server (root, empty password). */
export const MYSQL_URL = 'mysql://root@127.0.0.1:3306/test';

/** An admin connection (in UTC) and a private database that `drop()` removes. */
export async function mysqlDatabase(): Promise<{ database: string; sql: (text: string, params?: unknown[]) => Promise<unknown>; drop: () => Promise<void> }> {
  const conn = await mysqlPromise.createConnection({ uri: MYSQL_URL, multipleStatements: true });
  await conn.query("SET time_zone = '+00:00'");
  const database = uniqueName('dango_t');
  await conn.query(`CREATE DATABASE ${database}`);
  await conn.query(`USE ${database}`);
  return {
    database,
    sql: async (text, params) => (await conn.query(text, params))[0],
    drop: async () => {
      await conn.query(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
      await conn.end();
    },
  };
}
