import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe } from 'vitest';
import type { MountOptions } from '@dango/core';
import { hostAllowListCases } from './cases/host-allow-list';
import { dashboardCases } from './cases/dashboard';
import { hostRouteCases } from './cases/host-routes';
import { modelRunCases } from './cases/model-runs';
import { proxyCases } from './cases/proxies';
import { readRouteCases } from './cases/read-routes';
import { securityCases } from './cases/security';
import { openNetworkHandles, teardownCases } from './cases/teardown';
import { uploadSyncCases } from './cases/upload-sync';
import { ALLOWED_HOST, ALLOWED_ORIGIN, ContractEnv, DENY_HEADER, MAX_JSON_BYTES } from './contract-env';
import { createFixtureProject } from './fixture-project';
import type { HostVariant, MakeHost } from './host';
import { deadUpstreamUrl, startUpstream } from './upstream';

/** Every variant the contract runs: both prefixes, with and without the host's own JSON body parser. */
export const VARIANTS: readonly HostVariant[] = [
  { prefix: '', hostParser: false },
  { prefix: '', hostParser: true },
  { prefix: '/dango', hostParser: false },
  { prefix: '/dango', hostParser: true },
];

/** The mount options of a contract host: live Metabase upstream, dead dbt-docs upstream, one allowed origin and Host, a deny header. */
function mountOptions(env: ContractEnv, deadUrl: string): MountOptions {
  return {
    prefix: env.variant.prefix,
    allowedOrigins: [ALLOWED_ORIGIN],
    allowedHosts: [ALLOWED_HOST],
    authorize: (req) => req.headers[DENY_HEADER] === undefined,
    proxies: { metabase: env.upstream.url, dbtDocs: deadUrl },
    maxJsonBytes: MAX_JSON_BYTES,
  };
}

/**
 * The one adapter contract: runs every case against `makeHost` for each variant, each on its own
 * temp project and platform, with a real server on port 0. Cases run in order; the last one tears down.
 * `variants` narrows the matrix for a host that cannot have one (a server serving Dango alone has no body parser).
 */
export function runContract(name: string, makeHost: MakeHost, options: { variants?: readonly HostVariant[] } = {}): void {
  for (const variant of options.variants ?? VARIANTS) {
    const label = `${name} at '${variant.prefix || '/'}' ${variant.hostParser ? 'with' : 'without'} a host body parser`;
    describe(label, () => {
      const env = new ContractEnv(variant);
      let baseline = 0;

      beforeAll(async () => {
        env.fixture = await createFixtureProject();
        // The seed file is loaded up front so row counts after the upload are known.
        await env.fixture.platform.sync('sales');
        env.upstream = await startUpstream();
        const deadUrl = await deadUpstreamUrl();
        baseline = openNetworkHandles();
        env.host = await makeHost({ ...variant, platform: env.fixture.platform, mount: mountOptions(env, deadUrl) });
        env.base = `http://127.0.0.1:${(env.host.server.address() as AddressInfo).port}`;
      });

      afterAll(async () => {
        await env.host?.close();
        await env.upstream?.close();
        await env.fixture?.dispose();
      });

      readRouteCases(env);
      uploadSyncCases(env);
      modelRunCases(env);
      securityCases(env);
      hostAllowListCases(env);
      proxyCases(env);
      hostRouteCases(env);
      dashboardCases(env, makeHost);
      teardownCases(env, () => baseline);
    });
  }
}
