import type { FixtureProject } from './fixture-project';
import type { HostVariant, RunningHost } from './host';
import { call, type CallInit, type Reply } from './http-client';
import type { Upstream } from './upstream';

/** Origin the contract mounts allow-list for state-changing browser requests. */
export const ALLOWED_ORIGIN = 'http://allowed.example';

/** A browser origin no contract mount trusts. */
export const FOREIGN_ORIGIN = 'http://evil.example';

/** A Host name the contract mounts list in `allowedHosts` (any other non-loopback name is refused). */
export const ALLOWED_HOST = 'dango.test';

/** Header that makes the contract's `authorize` hook refuse a request. */
export const DENY_HEADER = 'x-contract-deny';

/** JSON body limit of the contract mounts. */
export const MAX_JSON_BYTES = 2048;

/** Everything one variant's tests share; filled in by the suite's `beforeAll`. */
export class ContractEnv {
  fixture!: FixtureProject;
  host!: RunningHost;
  upstream!: Upstream;
  /** `http://127.0.0.1:<port>` of the host. */
  base!: string;

  constructor(readonly variant: HostVariant) {}

  /** A URL under Dango's mount prefix. */
  url(path: string): string {
    return `${this.base}${this.variant.prefix}${path}`;
  }

  /** A WebSocket URL under Dango's mount prefix. */
  wsUrl(path: string): string {
    return this.url(path).replace(/^http/, 'ws');
  }

  /** A request to a path under Dango's mount prefix. */
  api(path: string, init?: CallInit): Promise<Reply> {
    return call(this.url(path), init);
  }

  /** A request to a host path (no prefix added). */
  hostCall(path: string, init?: CallInit): Promise<Reply> {
    return call(`${this.base}${path}`, init);
  }
}
