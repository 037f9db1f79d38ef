import { useMemo, useState } from 'react';
import type { ModelInfo } from '../api';
import { Badge, DOCS_URL, Empty, ErrorNote, Loaded, PageHeader, usePaging } from '../components/kit';
import { ago, duration, when } from '../format';
import { useModels, useRunModel } from '../queries';
import { Link } from '../router';

/** Run and Run + children for one model; a 409 (already running) shows in place. */
export function RunButtons({ model }: { model: Pick<ModelInfo, 'name'> }) {
  const run = useRunModel();
  return (
    <span className="sync-actions">
      <button type="button" className="primary" disabled={run.isPending} aria-label={`Run ${model.name}`} onClick={() => run.mutate({ name: model.name, cascade: false })}>
        Run
      </button>
      <button type="button" disabled={run.isPending} aria-label={`Run ${model.name} and its children`} onClick={() => run.mutate({ name: model.name, cascade: true })}>
        Run + children
      </button>
      {run.isError ? <ErrorNote error={run.error} /> : null}
    </span>
  );
}

/** Every model with materialization, schema, status, last run, its duration and tags. */
export function ModelsPage() {
  const models = useModels();
  const [filter, setFilter] = useState('');
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return (models.data ?? []).filter((m) => !f || m.name.toLowerCase().includes(f) || m.schema.toLowerCase().includes(f) || (m.tags ?? []).some((t) => t.toLowerCase().includes(f)));
  }, [models.data, filter]);
  const { slice, pager } = usePaging(shown, 100);
  return (
    <>
      <PageHeader title="Models" sub="SQL transformations of the dbt project (dbt/models).">
        <a href="dbt-docs/">dbt docs</a>
      </PageHeader>
      <Loaded query={models}>
        {(list) =>
          list.length === 0 ? (
            <Empty title="No models yet: add SQL files under dbt/models">
              Staging models are generated when a source syncs. <a href={DOCS_URL}>How transformations work</a>
            </Empty>
          ) : (
            <>
              <label className="filter">
                Filter <input type="search" value={filter} placeholder="name, schema or tag" onChange={(e) => setFilter(e.target.value)} />
              </label>
              <div className="table-wrap">
                <table className="models-table">
                  <thead>
                    <tr>
                      <th scope="col">Model</th>
                      <th scope="col">Materialization</th>
                      <th scope="col">Schema</th>
                      <th scope="col">Status</th>
                      <th scope="col">Last run</th>
                      <th scope="col">Duration</th>
                      <th scope="col">Tags</th>
                      <th scope="col">Actions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {slice.map((m) => (
                      <tr key={m.name} data-model={m.name}>
                        <th scope="row">
                          <Link to={`models/${encodeURIComponent(m.name)}`}>{m.name}</Link>
                        </th>
                        <td>{m.materialization}</td>
                        <td>{m.schema}</td>
                        <td data-col="status" title={m.error ?? undefined}>
                          <Badge value={m.status} />
                        </td>
                        <td data-col="last-run" title={when(m.last_run)}>{ago(m.last_run)}</td>
                        <td data-col="duration">{duration(m.execution_time)}</td>
                        <td>{(m.tags ?? []).join(', ')}</td>
                        <td>
                          <RunButtons model={m} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {shown.length > 100 ? pager : null}
            </>
          )
        }
      </Loaded>
    </>
  );
}
