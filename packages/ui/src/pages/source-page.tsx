import type { SourceDetails } from '../api';
import { Badge, ConfirmButton, Empty, ErrorNote, Loaded, PageHeader } from '../components/kit';
import { HistoryChart } from '../components/history-chart';
import { LogTable } from '../components/log-table';
import { SyncActions } from '../components/sync-actions';
import { UploadArea } from '../components/upload-area';
import { ago, bytes, duration, num, when } from '../format';
import { useDeleteFile, useFiles, useSource, useSourceLogs } from '../queries';
import { Link } from '../router';

/** A file source keeps a `directory` in its type block (csv, local_files, ...). */
function isFileSource(details: SourceDetails): boolean {
  const block = details.config[String(details.config.type)];
  return typeof block === 'object' && block !== null && 'directory' in block;
}

function FilesSection({ name }: { name: string }) {
  const files = useFiles(name, true);
  const remove = useDeleteFile();
  return (
    <section aria-labelledby="files-h">
      <h2 id="files-h">Files</h2>
      <Loaded query={files}>
        {(listing) => (
          <>
            <UploadArea source={name} pattern={listing.file_pattern} />
            {remove.isError ? <ErrorNote error={remove.error} /> : null}
            {listing.files.length === 0 ? (
              <Empty title={`No files in ${listing.directory} yet`}>Drop {listing.file_pattern} files above, or copy them into that folder.</Empty>
            ) : (
              <div className="table-wrap">
                <table className="files-table">
                  <thead>
                    <tr>
                      <th scope="col">File</th>
                      <th scope="col">Status</th>
                      <th scope="col" className="num">Rows</th>
                      <th scope="col" className="num">Size</th>
                      <th scope="col">Modified</th>
                      <th scope="col">
                        <span className="sr-only">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {listing.files.map((f) => (
                      <tr key={f.path} data-file={f.filename}>
                        <th scope="row">{f.filename}</th>
                        <td title={f.error ?? undefined}>
                          <Badge value={f.status} />
                        </td>
                        <td className="num">{num(f.rows_loaded)}</td>
                        <td className="num">{bytes(f.size)}</td>
                        <td title={when(f.modified)}>{f.modified ? ago(f.modified) : '—'}</td>
                        <td>
                          {f.on_disk ? (
                            <ConfirmButton label="Delete" confirm={`Delete ${f.filename} and its rows?`} disabled={remove.isPending} onConfirm={() => remove.mutate({ source: name, path: f.path })} />
                          ) : null}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}

/** One source: tables, history (table and chart), schema changes, masked config, logs and files. */
export function SourcePage({ name }: { name: string }) {
  const source = useSource(name);
  const logs = useSourceLogs(name);
  return (
    <Loaded query={source}>
      {(s) => (
        <>
          <PageHeader
            title={
              <>
                <Link to="sources" className="crumb">
                  Sources
                </Link>{' '}
                / {s.name}
              </>
            }
            sub={
              <>
                {String(s.config.type)} · <Badge value={s.status} /> · <span data-testid="source-rows">{num(s.row_count)}</span> rows · last sync {ago(s.last_sync)}
              </>
            }
          >
            <SyncActions source={{ name: s.name, status: s.status, enabled: s.config.enabled !== false }} />
          </PageHeader>
          <div className="grid-2">
            <section aria-labelledby="tables-h">
              <h2 id="tables-h">Tables</h2>
              {s.tables.length === 0 ? (
                <Empty title="No tables yet">Sync the source to load its data.</Empty>
              ) : (
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Table</th>
                      <th scope="col" className="num">Rows</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.tables.map((t) => (
                      <tr key={t.name}>
                        <th scope="row">
                          <code>
                            {t.schema}.{t.name}
                          </code>
                        </th>
                        <td className="num">{num(t.row_count)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
            <section aria-labelledby="config-h">
              <h2 id="config-h">Config</h2>
              <p className="muted small">Secrets are never shown: only the names of the environment variables that hold them.</p>
              <pre className="code">{JSON.stringify(s.config, null, 2)}</pre>
            </section>
          </div>
          <section aria-labelledby="history-h">
            <h2 id="history-h">Sync history</h2>
            {s.history.length === 0 ? (
              <Empty title="Never synced">Press Sync now to load it.</Empty>
            ) : (
              <>
                <HistoryChart history={s.history} />
                <div className="table-wrap">
                  <table className="history-table">
                    <thead>
                      <tr>
                        <th scope="col">When</th>
                        <th scope="col">Status</th>
                        <th scope="col" className="num">Rows</th>
                        <th scope="col" className="num">Duration</th>
                        <th scope="col">Kind</th>
                        <th scope="col">Error</th>
                      </tr>
                    </thead>
                    <tbody>
                      {[...s.history].reverse().slice(0, 50).map((h) => (
                        <tr key={h.timestamp}>
                          <td title={h.timestamp}>{when(h.timestamp)}</td>
                          <td>
                            <Badge value={h.status} />
                          </td>
                          <td className="num">{num(h.rows_processed)}</td>
                          <td className="num">{duration(h.duration_seconds)}</td>
                          <td>{h.full_refresh ? 'full refresh' : 'incremental'}</td>
                          <td className="error-text">{h.error_message ?? ''}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            )}
          </section>
          {s.schema_changes && s.schema_changes.length > 0 ? (
            <section aria-labelledby="schema-h">
              <h2 id="schema-h">Schema changes</h2>
              <ul className="plain">
                {s.schema_changes.map((c, i) => (
                  <li key={i}>
                    {c.timestamp ? <span className="muted">{when(c.timestamp)} </span> : null}
                    {typeof c.message === 'string' ? c.message : [c.table, c.column, c.change].filter(Boolean).join(' · ') || JSON.stringify(c)}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {isFileSource(s) ? <FilesSection name={s.name} /> : null}
          <section aria-labelledby="logs-h">
            <h2 id="logs-h">Recent logs</h2>
            <Loaded query={logs}>{(entries) => (entries.length ? <LogTable entries={[...entries].reverse()} /> : <Empty title="No log lines about this source yet" />)}</Loaded>
          </section>
        </>
      )}
    </Loaded>
  );
}
