import type { ProjectConfig } from './load-config';

/** `GET /api/config`. */
export interface ConfigView {
  web_port: number;
  web_url: string;
  metabase_url: string | null;
  dbt_docs_url: string;
  api_url: string;
  project_name: string;
  organization: string;
}

/** `GET /api/metabase-config`. */
export interface MetabaseConfigView {
  database_id: number | null;
  configured: boolean;
}

/** The public view of the config; `webUrl` is where the API is actually served, when known. */
export function configView(config: ProjectConfig, webUrl?: string): ConfigView {
  const p = config.platform;
  const web = (webUrl ?? `http://localhost:${p.port}`).replace(/\/+$/, '');
  return {
    // The port actually served on (a server may run with --port) wins over the configured one.
    web_port: servedPort(webUrl) ?? p.port,
    web_url: web,
    metabase_url: p.metabase_url || null,
    // Without an external dbt-docs server Dango serves the docs itself under /dbt-docs/.
    dbt_docs_url: p.dbt_docs_url ? p.dbt_docs_url : `${web}/dbt-docs/`,
    api_url: `${web}/api`,
    project_name: config.project.name,
    organization: config.project.organization,
  };
}

function servedPort(webUrl: string | undefined): number | null {
  if (!webUrl) return null;
  try {
    const url = new URL(webUrl);
    return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  } catch {
    return null;
  }
}

/** The Metabase integration state; `configured` only once a Metabase database id is recorded. */
export function metabaseConfigView(config: ProjectConfig): MetabaseConfigView {
  const id = config.platform.metabase_database_id ?? null;
  return { database_id: id, configured: id !== null && Boolean(config.platform.metabase_url) };
}
