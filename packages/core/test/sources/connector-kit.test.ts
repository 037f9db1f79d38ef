import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { defineConnector, initProject, readSecret, DangoPlatform, type Connector } from '../../src';
import { quoteIdent } from '../../src/warehouse';
import { recordEvents, rows } from './helpers';

/** A user connector written in TypeScript: `count` numbers into one table per name in `tables`. */
const numbers = defineConnector({
  type: 'numbers',
  configSchema: z.strictObject({
    count: z.number().int().min(0),
    tables: z.array(z.string().regex(/^[a-z_]+$/, 'must be a lower-case name')).default(['numbers']),
    token_env: z.string().optional(),
    fail: z.boolean().default(false),
  }),
  async prepare(ctx, config) {
    const token = readSecret(ctx, 'token_env', { optional: true });
    // The kind of message a careless HTTP client or driver produces: it repeats the credential.
    if (config.fail) throw new Error(`401 from upstream: token ${token} was rejected`);
    return {
      async load(conn) {
        await conn.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(ctx.schema)}`);
        for (const table of config.tables) {
          await conn.run(`CREATE OR REPLACE TABLE ${quoteIdent(ctx.schema)}.${quoteIdent(table)} AS SELECT range AS n FROM range(${config.count})`);
        }
        return { rows: config.count * config.tables.length };
      },
    };
  },
  async check(ctx, config) {
    if (config.fail) throw new Error(`cannot log in with ${readSecret(ctx, 'token_env')}`);
    return { tables: config.tables.map((name) => ({ name, columns: [{ name: 'n', type: 'BIGINT' }] })) };
  },
});

let dir: string;
let platform: DangoPlatform | null = null;
afterEach(async () => {
  await platform?.close();
  platform = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function project(sources: unknown[], env?: string): Promise<string> {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-kit-'));
  await initProject(dir, { name: 'kit' });
  fs.writeFileSync(path.join(dir, '.dango', 'sources.yml'), stringify({ sources }));
  if (env !== undefined) fs.writeFileSync(path.join(dir, '.dango', '.env'), env);
  return dir;
}

const open = async (connectors: Connector[] = [numbers as Connector]): Promise<DangoPlatform> => {
  platform = await DangoPlatform.open({ projectDir: dir, connectors });
  return platform;
};

describe('connector kit', () => {
  it('registers a user connector per platform, validates its config and syncs it', async () => {
    await project([{ name: 'nums', type: 'numbers', numbers: { count: 3, tables: ['a', 'b'] } }]);
    const p = await open();
    const result = await p.sync('nums');
    expect(result).toMatchObject({ status: 'success', rows_processed: 6 });
    expect(await rows(p, 'SELECT sum(n)::INT AS s FROM raw_nums.b')).toEqual([{ s: 3 }]);
    expect((await p.listSources())[0]).toMatchObject({ type: 'numbers', status: 'synced', row_count: 6 });
    // The parsed block carries the schema's defaults.
    expect(numbers.config(p.config.sources[0]!)).toEqual({ count: 3, tables: ['a', 'b'], fail: false });
    expect(fs.existsSync(path.join(dir, 'dbt', 'models', 'staging', 'stg_nums_a.sql'))).toBe(true);
    await expect(p.listFiles('nums')).rejects.toMatchObject({ code: 'BAD_REQUEST', message: "Source 'nums' is a numbers source, not a file source" });
  });

  it('names the path of a bad config block, and an unknown key of a built-in block', async () => {
    await project([
      { name: 'sales', type: 'csv', csv: { directory: 'data/uploads/sales' } },
      { name: 'ok', type: 'numbers', numbers: { count: 1 } },
      { name: 'nums', type: 'numbers', numbers: { count: 1, tables: ['Bad Name'] } },
    ]);
    await expect(open()).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('sources[2].numbers.tables[0]: must be a lower-case name') });
    await project([{ name: 'sales', type: 'csv', csv: { directory: 'data/uploads/sales', file_patern: '*.csv' } }]);
    await expect(open()).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('sources[0].csv.file_patern: unknown key (did you mean "file_pattern"?)') });
  });

  it('keeps a source of an unknown type listed, warns at open and refuses to sync it, naming the known types', async () => {
    await project([{ name: 'nums', type: 'numbers', numbers: { count: 1 } }]);
    const p = await open([]);
    expect(p.logs().some((l) => l.level === 'WARNING' && /type 'numbers', which no connector handles \(known: csv\b/.test(l.message))).toBe(true);
    await expect(p.sync('nums')).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/No connector for source type 'numbers' \(available: csv\b/) });
    expect(await p.checkSource('nums')).toMatchObject({ ok: false, error: expect.stringMatching(/No connector for source type 'numbers'/) });
  });

  it('refuses two connectors for one type', async () => {
    await project([]);
    await expect(open([numbers as Connector, numbers as Connector])).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: "Two connectors for source type 'numbers'" });
    const csvAgain = defineConnector({ type: 'csv', configSchema: z.object({}), prepare: async () => ({ load: async () => ({ rows: 0 }) }) });
    await expect(open([csvAgain as Connector])).rejects.toMatchObject({ message: "Two connectors for source type 'csv'" });
  });

  it('checks a source without loading it', async () => {
    await project([{ name: 'nums', type: 'numbers', numbers: { count: 2, tables: ['a'] } }]);
    const p = await open();
    expect(await p.checkSource('nums')).toEqual({ source: 'nums', type: 'numbers', ok: true, tables: [{ name: 'a', columns: [{ name: 'n', type: 'BIGINT' }] }] });
    expect(await rows(p, "SELECT count(*)::INT AS n FROM duckdb_tables() WHERE schema_name = 'raw_nums'")).toEqual([{ n: 0 }]);
    await expect(p.checkSource('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('secrets', () => {
  const SECRET = 'tok-3f9a-SECRET-77';

  it('reads *_env keys from .dango/.env (the environment wins) and never shows the value', async () => {
    await project(
      [{ name: 'nums', type: 'numbers', numbers: { count: 1, token_env: 'NUMS_TOKEN', fail: true } }],
      `# comment\nNUMS_TOKEN=${SECRET}\nOTHER="x"\n`,
    );
    const p = await open();
    const events = recordEvents(p, ['sync_failed', 'log']);
    const result = await p.sync('nums');
    expect(result.status).toBe('failed');
    expect(result.error_message).toBe('401 from upstream: token ******** was rejected');
    const check = await p.checkSource('nums');
    expect(check).toMatchObject({ ok: false, error: 'cannot log in with ********' });
    const shown = [
      JSON.stringify(result), JSON.stringify(events), JSON.stringify(check), JSON.stringify(await p.getSource('nums')),
      JSON.stringify(p.logs()), fs.readFileSync(path.join(dir, '.dango', 'history', 'nums.jsonl'), 'utf8'),
    ];
    await p.close();
    shown.push(fs.readFileSync(path.join(dir, '.dango', 'logs', 'activity.jsonl'), 'utf8'));
    for (const text of shown) expect(text).not.toContain(SECRET);
    expect(shown.join('\n')).toContain('********');

    process.env.NUMS_TOKEN = 'from-the-environment';
    try {
      platform = await open();
      expect((await platform.sync('nums')).error_message).toBe('401 from upstream: token ******** was rejected');
    } finally {
      delete process.env.NUMS_TOKEN;
    }
  });

  it('fails with CONFIG_INVALID naming the variable and the config path when the variable is unset', async () => {
    await project([{ name: 'nums', type: 'numbers', numbers: { count: 1, tables: ['a'], fail: true, token_env: 'NUMS_MISSING' } }]);
    const p = await open();
    const check = await p.checkSource('nums');
    expect(check.error).toBe('Environment variable NUMS_MISSING (named by nums.numbers.token_env) is not set; set it in .dango/.env or the environment');
  });

  it('scaffolds a commented .dango/.env and git-ignores it', async () => {
    await project([]);
    expect(fs.readFileSync(path.join(dir, '.dango', '.env'), 'utf8')).toMatch(/^# Secrets/);
    expect(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8')).toBe('.dango/.env\n');
    fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules');
    await initProject(dir, { force: true });
    expect(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8')).toBe('node_modules\n.dango/.env\n');
  });
});
