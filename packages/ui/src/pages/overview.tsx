import { Badge, DOCS_URL, Empty, ErrorNote, PageHeader, Stat } from '../components/kit';
import { num } from '../format';
import { useConfig, useHealth, useModels, useSources, useStatus } from '../queries';
import { Link } from '../router';

const SERVICES: [key: string, label: string, link: (c: { metabase_url: string | null; dbt_docs_url: string | null }) => string | null][] = [
  ['duckdb', 'DuckDB', () => 'catalog'],
  ['dbt_docs', 'dbt docs', () => 'dbt-docs/'],
  ['metabase', 'Metabase', (c) => (c.metabase_url ? 'metabase/' : null)],
  ['api', 'API', () => 'api/docs'],
];

/** Project identity, health summary, service cards and counters. */
export function OverviewPage() {
  const config = useConfig();
  const status = useStatus();
  const health = useHealth();
  const sources = useSources();
  const models = useModels();
  const since = Date.now() - 86_400_000;
  const failures =
    health.data === undefined
      ? undefined
      : health.data.sync_failures.filter((f) => Date.parse((f as { timestamp: string }).timestamp) >= since).length +
        health.data.dbt_failures.filter((f) => {
          const t = (f as { timestamp: string | null }).timestamp;
          return t !== null && Date.parse(t) >= since;
        }).length;
  const rows = sources.data?.reduce((sum, s) => sum + s.row_count, 0);
  return (
    <>
      <PageHeader title={config.data?.project_name ?? 'Overview'} sub={config.data?.organization ?? undefined}>
        {health.data ? (
          <span className="health-pill">
            Platform <Badge value={health.data.status} />
          </span>
        ) : null}
      </PageHeader>
      {health.isError ? <ErrorNote error={health.error} /> : null}
      {health.data && (health.data.critical_issues.length > 0 || health.data.warnings.length > 0) ? (
        <ul className="issues">
          {health.data.critical_issues.map((i) => (
            <li key={i} className="critical">{i}</li>
          ))}
          {health.data.warnings.map((w) => (
            <li key={w} className="warning">{w}</li>
          ))}
        </ul>
      ) : null}
      <section className="stats" aria-label="Counters">
        <Stat label="Sources" value={num(sources.data?.length)} hint={health.data ? `${health.data.enabled_sources} enabled` : undefined} />
        <Stat label="Rows" value={<span data-testid="total-rows">{num(rows)}</span>} />
        <Stat label="Models" value={num(models.data?.length)} />
        <Stat label="Failures (24 h)" value={num(failures)} />
      </section>
      <h2>Services</h2>
      <section className="cards" aria-label="Services">
        {SERVICES.map(([key, label, link]) => {
          const state = status.data?.services[key];
          const href = config.data ? link(config.data) : null;
          return (
            <div className="card" key={key}>
              <div className="card-title">{label}</div>
              <Badge value={state ?? (status.isPending ? 'checking' : 'unknown')} />
              {href && state !== 'not_configured' ? (
                key === 'duckdb' ? <Link to={href}>Browse catalog</Link> : <a href={href}>Open</a>
              ) : null}
            </div>
          );
        })}
      </section>
      {status.data ? (
        <p className="muted small">
          Dango {status.data.dango_version} · up {status.data.uptime}
        </p>
      ) : null}
      <h2>Sources</h2>
      {sources.data && sources.data.length === 0 ? (
        <Empty title="No sources yet: add one to .dango/sources.yml">
          Then sync it from the Sources page. <a href={DOCS_URL}>How to configure sources</a>
        </Empty>
      ) : (
        <ul className="source-chips">
          {sources.data?.slice(0, 24).map((s) => (
            <li key={s.name}>
              <Link to={`sources/${encodeURIComponent(s.name)}`}>{s.name}</Link> <Badge value={s.status} />
            </li>
          ))}
          {sources.data && sources.data.length > 24 ? (
            <li>
              <Link to="sources">All {sources.data.length} sources</Link>
            </li>
          ) : null}
        </ul>
      )}
    </>
  );
}
