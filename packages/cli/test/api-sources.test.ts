import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { STRIPE_KEY, startFakeStripe, stripeObjects, type FakeStripe } from '../../core/test/sources/fake-stripe';
import { csvProject, dango, serverTestScope } from './helpers';

const scope = serverTestScope();
let stripe: FakeStripe;

afterEach(async () => {
  await stripe?.close();
});

async function stripeProject(key: string): Promise<string> {
  const source = `  - name: stripe_payments\n    type: stripe\n    enabled: true\n    stripe:\n      stripe_secret_key_env: STRIPE_API_KEY\n      endpoints: [charges, customers]\n      api_base: ${stripe.url}\n      retry_backoff_seconds: 0.01\n`;
  const root = await csvProject(scope.dir, {}, source);
  writeFileSync(path.join(root, '.dango', '.env'), `STRIPE_API_KEY=${key}\n`);
  return root;
}

describe('dango with an HTTP API source', () => {
  it('checks and syncs a stripe source against a fake Stripe, with dates; a refused key exits non-zero without the key', async () => {
    stripe = await startFakeStripe({ charges: stripeObjects('charge', 120), customers: stripeObjects('customer', 4) });
    stripe.faults.push({ path: '/v1/charges', answer: { status: 500, body: { error: { message: 'try again', type: 'api_error' } } } });
    const root = await stripeProject(STRIPE_KEY);
    const check = await dango(['source', 'check', 'stripe_payments', '--project', root]);
    expect(check.exitCode).toBe(0);
    expect(check.stdout).toMatch(/^stripe_payments \(stripe\): OK\n/);
    expect(check.stdout).toContain('charges');

    const sync = await dango(['sync', 'stripe_payments', '--project', root, '--start-date', '2024-01-01', '--end-date', '2024-01-31']);
    expect(sync.exitCode, sync.stderr).toBe(0);
    expect(`${sync.stdout}\n${sync.stderr}`).toMatch(/35 rows/);
    const lastCharges = stripe.requests.filter((r) => r.url.pathname === '/v1/charges').at(-1)!;
    expect(lastCharges.url.searchParams.get('created[lte]')).toBe(String(1_704_067_200 + 31 * 86_400 - 1));

    stripe.requests.length = 0;
    writeFileSync(path.join(root, '.dango', '.env'), 'STRIPE_API_KEY=sk_test_BADbadBAD424242\n');
    const failed = await dango(['sync', 'stripe_payments', '--project', root]);
    expect(failed.exitCode).not.toBe(0);
    const out = `${failed.stdout}\n${failed.stderr}`;
    expect(out).toContain('Stripe refused the API key (401): Invalid API Key provided: ********');
    expect(out).not.toContain('BADbadBAD');
  });
});
