import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DangoPlatform } from '../../src';
import { makeProject } from './helpers';

let dir: string;
let platform: DangoPlatform | undefined;
afterEach(async () => {
  await platform?.close();
  platform = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('uploads cut off by a crash', () => {
  it('leave no temp file behind after the next open; files that are not ours stay', async () => {
    dir = await makeProject();
    const uploads = path.join(dir, 'data/uploads/sales');
    const stale = `.orders.csv.${randomUUID()}.uploading`;
    const keep = ['.notes.uploading', `.orders.csv.${randomUUID()}.uploading.bak`, '.hidden.csv', 'real.csv'];
    for (const f of [stale, ...keep]) fs.writeFileSync(path.join(uploads, f), 'id\n1\n');
    platform = await DangoPlatform.open({ projectDir: dir });
    expect(fs.readdirSync(uploads).sort()).toEqual([...keep].sort());
    expect(platform.logs().map((e) => e.message)).toContain(`Removed 1 unfinished upload left by an interrupted process in data/uploads/sales: ${stale}`);
    await platform.close();
    // Nothing stale: nothing removed, nothing logged.
    platform = await DangoPlatform.open({ projectDir: dir });
    expect(platform.logs().filter((e) => e.message.startsWith('Removed')).length).toBe(1);
  });
});
