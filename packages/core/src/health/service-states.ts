import { access } from 'node:fs/promises';
import path from 'node:path';
import { resolveInProject } from '../config';
import type { PlatformContext } from '../context';
import { probeHttp } from './http-probe';
import type { ServiceState, StatusReport } from './types';

type ProbedServices = Omit<StatusReport['services'], 'api'>;

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

async function urlState(url: string): Promise<ServiceState> {
  return (await probeHttp(url)) ? 'healthy' : 'unhealthy';
}

/**
 * Probes the warehouse with a real query and the configured services over HTTP. Without an external
 * dbt-docs server Dango serves the docs itself, so they are healthy once `target/manifest.json` exists.
 */
export async function probeServices(ctx: PlatformContext): Promise<ProbedServices> {
  const p = ctx.config.platform;
  const duckdb = ctx.warehouse.query('SELECT 1 AS ok').then(
    (): ServiceState => 'healthy',
    (): ServiceState => 'unhealthy',
  );
  const metabase: Promise<ServiceState> = p.metabase_url ? urlState(p.metabase_url) : Promise.resolve('not_configured');
  const manifest = path.join(resolveInProject(ctx.root, p.dbt_project_dir), 'target', 'manifest.json');
  const dbtDocs: Promise<ServiceState> = p.dbt_docs_url
    ? urlState(p.dbt_docs_url)
    : exists(manifest).then((ok): ServiceState => (ok ? 'healthy' : 'not_configured'));
  const [d, m, docs] = await Promise.all([duckdb, metabase, dbtDocs]);
  return { duckdb: d, metabase: m, dbt_docs: docs };
}

/** `unhealthy` when the warehouse fails, `degraded` when a configured service is down, else `healthy`. */
export function overallStatus(services: StatusReport['services']): StatusReport['status'] {
  if (services.duckdb === 'unhealthy') return 'unhealthy';
  if (services.metabase === 'unhealthy' || services.dbt_docs === 'unhealthy') return 'degraded';
  return 'healthy';
}
