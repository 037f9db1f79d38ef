// Child process of close-under-load.test.ts: serves a project through one framework, keeps many
// GET /api/sources requests in flight, closes the platform (and then the server) in the middle of
// them, and prints what the requests got. A crash or a hang shows in the parent as a signal or a
// child that never exits on its own (the parent never calls process.exit for it).
import { DangoPlatform } from '@dango/core';
import { FRAMEWORKS, startHost, type Framework } from '../../../bench/lib/http-hosts';

const [framework, projectDir, clientsArg] = process.argv.slice(2) as [Framework, string, string];
if (!FRAMEWORKS.includes(framework)) throw new Error(`unknown framework ${framework}`);
const clients = Number(clientsArg);

const platform = await DangoPlatform.open({ projectDir });
const server = await startHost(framework, { platform });
const outcomes = { ok: 0, closed: 0, other: [] as string[] };
let closing = false;
let answered = 0;
let loaded!: () => void;
const underLoad = new Promise<void>((resolve) => (loaded = resolve));

async function client(): Promise<void> {
  while (!closing) {
    try {
      const res = await fetch(`${server.origin}/api/sources`);
      const body = (await res.json()) as unknown;
      if (res.status === 200 && Array.isArray(body)) outcomes.ok++;
      else if (res.status === 409 && /warehouse is closed/.test(JSON.stringify(body))) outcomes.closed++;
      else outcomes.other.push(`${res.status} ${JSON.stringify(body).slice(0, 200)}`);
    } catch (err) {
      outcomes.other.push(`request failed: ${(err as Error).message}`);
    }
    if (++answered === clients * 4) loaded();
  }
}

// Writes keep landing (as syncs would), so the list's cached catalog keeps being read again.
let churning = true;
const churn = (async () => {
  while (churning) await platform.warehouse.write((c) => c.run('SELECT 1'));
})();
const running = Array.from({ length: clients }, () => client());
await underLoad;
churning = false;
await churn;
// As in the report that crashed: direct list calls (and slow reads), then close() while they and the HTTP requests run.
const direct = [
  ...Array.from({ length: 8 }, () => platform.listSources()),
  ...Array.from({ length: 8 }, () => platform.warehouse.query('SELECT count(*) AS n FROM range(3000000) WHERE range % 3 = 0')),
];
const directSettled = Promise.allSettled(direct);
const atClose = platform.warehouse.readerStats;
await platform.close();
closing = true;
await Promise.all(running);
const directOutcomes = await directSettled;
const refusedClearly = (o: PromiseSettledResult<unknown>): boolean =>
  o.status === 'rejected' && (o.reason as { code?: string }).code === 'CONFLICT' && /warehouse is closed/.test((o.reason as Error).message);
await server.close();
process.stdout.write(
  `RESULT ${JSON.stringify({
    ...outcomes,
    inFlightAtClose: atClose.busy + atClose.waiting,
    peakReaders: platform.warehouse.readerStats.peak,
    readerLimit: atClose.limit,
    directFulfilled: directOutcomes.filter((o) => o.status === 'fulfilled').length,
    directRefused: directOutcomes.filter(refusedClearly).length,
    rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
  })}\n`,
);
