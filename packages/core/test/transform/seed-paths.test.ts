import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DangoPlatform, initProject } from '../../src/index';

let root: string | undefined;
let platform: DangoPlatform | undefined;
afterEach(async () => {
  await platform?.close();
  if (root) rmSync(root, { recursive: true, force: true });
  platform = undefined;
  root = undefined;
});

describe('seed paths', () => {
  it('loads a seed from a folder whose name DuckDB would read as a glob', async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'dango-'));
    // DuckDB's readers expand [...] as a character class: unescaped, this path matches no file.
    const dir = path.join(root, '[team] analytics');
    mkdirSync(dir);
    await initProject(dir, { name: 'team' });
    writeFileSync(path.join(dir, 'dbt', 'seeds', 'tiers.csv'), 'id,tier\n1,gold\n2,silver\n');
    // A decoy that the unescaped glob `[team] analytics` matches ('t analytics').
    mkdirSync(path.join(root, 't analytics', 'dbt', 'seeds'), { recursive: true });
    writeFileSync(path.join(root, 't analytics', 'dbt', 'seeds', 'tiers.csv'), 'id,tier\n9,decoy\n');
    platform = await DangoPlatform.open({ projectDir: dir });
    const result = await platform.seed();
    expect(result.success).toBe(true);
    expect(await platform.warehouse.query('SELECT id::INTEGER AS id, tier FROM main.tiers ORDER BY id')).toEqual([{ id: 1, tier: 'gold' }, { id: 2, tier: 'silver' }]);
  });
});
