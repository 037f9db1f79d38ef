import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { restApiSourceTemplate } from '../../src/sources/connectors/rest-api/source-template';
import { stripeSourceTemplate } from '../../src/sources/connectors/stripe/source-template';
import { createProject, type TestProject } from './helpers';

let project: TestProject;
afterEach(async () => project?.close());

describe('source templates of the API connectors', () => {
  it('load as written, with the defaults their comments promise', async () => {
    project = await createProject({});
    fs.writeFileSync(path.join(project.dir, '.dango', 'sources.yml'), `sources:\n${restApiSourceTemplate('shop')}${stripeSourceTemplate('payments')}`);
    const platform = await project.open();
    const sources = await platform.listSources();
    expect(sources.map((s) => [s.name, s.type])).toEqual([['shop', 'rest_api'], ['payments', 'stripe']]);
    const shop = (await platform.getSource('shop')).config as Record<string, any>;
    expect(shop.rest_api.client.auth).toEqual({ type: 'bearer', token_env: 'SHOP_TOKEN' });
    expect(shop.rest_api.resources[0].endpoint.incremental.start_param).toBe('updated_since');
    const payments = (await platform.getSource('payments')).config as Record<string, any>;
    expect(payments.stripe).toMatchObject({ stripe_secret_key_env: 'STRIPE_API_KEY', endpoints: ['charges', 'customers'] });
  });
});
