import { Badge, ErrorNote, Loaded, PageHeader, Stat } from '../components/kit';
import { num, when } from '../format';
import { useHealth, useLogs } from '../queries';
import { LogTable } from '../components/log-table';

/** Database size and status, disk, syncs and transformations in 24 h, and recent issues. */
export function HealthPage() {
  const health = useHealth();
  const logs = useLogs();
  const since = Date.now() - 86_400_000;
  const recent = (logs.data ?? []).filter((e) => Date.parse(e.timestamp) >= since);
  const syncs = recent.filter((e) => e.type === 'sync_completed' || e.type === 'sync_failed');
  const runs = recent.filter((e) => e.type === 'dbt_run_completed' || e.type === 'dbt_run_failed');
  const problems = (logs.data ?? []).filter((e) => e.level === 'ERROR' || e.level === 'WARNING').slice(-10).reverse();
  return (
    <>
      <PageHeader title="Health" />
      <Loaded query={health}>
        {(h) => (
          <>
            <p>
              Platform <Badge value={h.status} /> <span className="muted small">checked {when(h.timestamp)}</span>
            </p>
            <section className="stats" aria-label="Health figures">
              <Stat label="Database" value={`${h.database.size_mb.toFixed(1)} MB`} hint={<Badge value={h.database.status} />} />
              <Stat label="Tables" value={num(h.database.tables)} hint={`${h.database.raw_tables} raw · ${h.database.staging_tables} staging · ${h.database.marts_tables} marts`} />
              <Stat label="Disk free" value={`${num(h.disk.free_gb)} GB`} hint={<>of {num(h.disk.total_gb)} GB · <Badge value={h.disk.status} /></>} />
              <Stat label="Syncs (24 h)" value={num(syncs.length)} hint={`${syncs.filter((e) => e.type === 'sync_failed').length} failed`} />
              <Stat label="Transformations (24 h)" value={num(runs.length)} hint={`${runs.filter((e) => e.type === 'dbt_run_failed').length} failed`} />
            </section>
            {h.critical_issues.length || h.warnings.length ? (
              <ul className="issues">
                {h.critical_issues.map((i) => (
                  <li key={i} className="critical">{i}</li>
                ))}
                {h.warnings.map((w) => (
                  <li key={w} className="warning">{w}</li>
                ))}
              </ul>
            ) : (
              <p>No issues.</p>
            )}
          </>
        )}
      </Loaded>
      <h2>Recent problems</h2>
      {logs.isError ? <ErrorNote error={logs.error} /> : problems.length ? <LogTable entries={problems} /> : <p className="muted">No warnings or errors in the log.</p>}
    </>
  );
}
