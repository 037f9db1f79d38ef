import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asModule, ensureBuilt, readmeExamples, repoRoot, SETUPS, typeCheckConsumer } from './consumer-project';

// The consumer projects live inside the repository so that their node_modules link resolves like an
// installed app's; .tmp/ is git-ignored.
let parent: string;
let sources: Record<string, string>;

beforeAll(async () => {
  await ensureBuilt();
  mkdirSync(path.join(repoRoot, '.tmp'), { recursive: true });
  parent = mkdtempSync(path.join(repoRoot, '.tmp', 'consumer-types-'));
  const examples = readmeExamples();
  const programmatic = examples.find((e) => e.includes("platform.on('sync_completed'"));
  const express = examples.find((e) => e.includes("from '@dango/express'"));
  if (!programmatic || !express) throw new Error('README.md lost its programmatic or Express example');
  // A typed event listener and an unsubscribe, as users write them beside the README's example.
  const events = [
    "import { DangoPlatform, type DangoEvent } from '@dango/core';",
    "const platform = await DangoPlatform.open({ projectDir: '.' });",
    "const stop = platform.on('event', (e: DangoEvent) => console.log(e.type, e.timestamp));",
    "platform.once('dbt_run_completed', (e) => console.log(e.models));",
    'stop();',
    '// @ts-expect-error only the platform emits its events',
    "platform.emit('log', {});",
  ].join('\n');
  sources = { programmatic: asModule(programmatic), express: asModule(express), events: asModule(events) };
}, 300_000);

afterAll(() => {
  if (parent) rmSync(parent, { recursive: true, force: true });
});

describe("the README's examples type-check against the built packages", () => {
  it.each(SETUPS.map((s) => [s.name, s] as const))('%s with skipLibCheck: false', async (_name, setup) => {
    expect(await typeCheckConsumer(parent, setup, sources)).toBe('');
  }, 120_000);
});
