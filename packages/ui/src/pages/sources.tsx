import { Badge, DOCS_URL, Empty, Loaded, PageHeader } from '../components/kit';
import { SyncActions } from '../components/sync-actions';
import { ago, num, when } from '../format';
import { useSources } from '../queries';
import { Link } from '../router';

/** Every configured source with its state and sync actions. */
export function SourcesPage() {
  const sources = useSources();
  return (
    <>
      <PageHeader title="Sources" sub="Data Dango pulls into the warehouse (schema raw_<source>)." />
      <Loaded query={sources}>
        {(list) =>
          list.length === 0 ? (
            <Empty title="No sources yet: add one to .dango/sources.yml">
              For example a CSV source reading data/uploads/sales. <a href={DOCS_URL}>How to configure sources</a>
            </Empty>
          ) : (
            <div className="table-wrap">
              <table className="sources-table">
                <thead>
                  <tr>
                    <th scope="col">Source</th>
                    <th scope="col">Type</th>
                    <th scope="col">Status</th>
                    <th scope="col" className="num">Rows</th>
                    <th scope="col" className="num">Tables</th>
                    <th scope="col">Last sync</th>
                    <th scope="col">Freshness</th>
                    <th scope="col">Next sync</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((s) => (
                    <tr key={s.name} data-source={s.name}>
                      <th scope="row">
                        <Link to={`sources/${encodeURIComponent(s.name)}`}>{s.name}</Link>
                        {s.enabled ? null : <span className="muted small"> (disabled)</span>}
                      </th>
                      <td>{s.type}</td>
                      <td data-col="status">
                        <Badge value={s.status} />
                      </td>
                      <td className="num" data-col="rows">
                        {num(s.row_count)}
                      </td>
                      <td className="num">{s.tables.length}</td>
                      <td title={when(s.last_sync)}>{ago(s.last_sync)}</td>
                      <td>{s.freshness.days_old === null ? '—' : s.freshness.days_old === 0 ? 'today' : `${s.freshness.days_old} d old`}</td>
                      <td title={when(s.next_sync)}>{s.next_sync ? ago(s.next_sync) : '—'}</td>
                      <td>
                        <SyncActions source={s} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loaded>
    </>
  );
}
