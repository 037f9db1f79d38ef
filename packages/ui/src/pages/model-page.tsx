import { useState } from 'react';
import { Badge, Empty, Loaded, PageHeader } from '../components/kit';
import { LineageGraph } from '../components/lineage-graph';
import { ago } from '../format';
import { useModel, useModels } from '../queries';
import { Link } from '../router';
import { RunButtons } from './models';

/** One model: status, SQL raw and compiled, columns, tests, lineage, a dbt docs link. */
export function ModelPage({ name }: { name: string }) {
  const model = useModel(name);
  const list = useModels();
  const info = list.data?.find((m) => m.name === name);
  const [compiled, setCompiled] = useState(false);
  return (
    <Loaded query={model}>
      {(m) => (
        <>
          <PageHeader
            title={
              <>
                <Link to="models" className="crumb">
                  Models
                </Link>{' '}
                / {m.name}
              </>
            }
            sub={
              <>
                {m.materialization} in {m.schema} · <span data-testid="model-status"><Badge value={info?.status} /></span> · last run {ago(info?.last_run)}
              </>
            }
          >
            <RunButtons model={m} />
            <a href={`dbt-docs/#!/model/${encodeURIComponent(`model.${m.name}`)}`}>dbt docs</a>
          </PageHeader>
          {m.description ? <p>{m.description}</p> : null}
          {info?.error ? <pre className="error">{info.error}</pre> : null}
          <h2>Lineage</h2>
          <LineageGraph model={m} />
          <h2>SQL</h2>
          <div className="tabs" role="tablist" aria-label="SQL">
            <button type="button" role="tab" aria-selected={!compiled} onClick={() => setCompiled(false)}>
              Raw
            </button>
            <button type="button" role="tab" aria-selected={compiled} onClick={() => setCompiled(true)}>
              Compiled
            </button>
          </div>
          <pre className="code" role="tabpanel" data-testid="model-sql">
            {compiled ? m.compiled_sql ?? `Could not compile: ${m.compile_error ?? 'unknown error'}` : m.raw_sql}
          </pre>
          <p className="muted small">{m.path}</p>
          <div className="grid-2">
            <section aria-labelledby="cols-h">
              <h2 id="cols-h">Columns</h2>
              {m.columns.length === 0 ? (
                <Empty title="No columns yet">Run the model, or describe its columns in a properties .yml file.</Empty>
              ) : (
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Column</th>
                      <th scope="col">Type</th>
                      <th scope="col">Description</th>
                    </tr>
                  </thead>
                  <tbody>
                    {m.columns.map((c) => (
                      <tr key={c.name}>
                        <th scope="row">{c.name}</th>
                        <td>{c.data_type ?? '—'}</td>
                        <td>{c.description}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
            <section aria-labelledby="tests-h">
              <h2 id="tests-h">Tests</h2>
              {m.tests.length === 0 ? (
                <Empty title="No tests">Add unique/not_null tests to the model's properties file.</Empty>
              ) : (
                <ul className="plain">
                  {m.tests.map((t) => (
                    <li key={t.name}>
                      <code>{t.test}</code> {t.column ? <>on {t.column}</> : null}
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </div>
        </>
      )}
    </Loaded>
  );
}
