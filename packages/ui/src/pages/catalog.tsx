import { useMemo, useState } from 'react';
import type { CatalogTable } from '../api';
import { Empty, Loaded, PageHeader } from '../components/kit';
import { num } from '../format';
import { useCatalog, usePreview, useProfile } from '../queries';

function Profile({ table, column }: { table: CatalogTable; column: string }) {
  const profile = useProfile(table.schema, table.name, column);
  return (
    <Loaded query={profile}>
      {(p) => (
        <div className="profile" data-testid="profile">
          <h3>
            Profile of <code>{p.column}</code> <span className="muted">({p.type})</span>
          </h3>
          <dl className="facts">
            <dt>Nulls</dt>
            <dd>
              {num(p.nulls)} ({p.null_percent.toFixed(1)} %)
            </dd>
            <dt>Distinct</dt>
            <dd>{num(p.distinct)}</dd>
            <dt>Min</dt>
            <dd>{p.min ?? '—'}</dd>
            <dt>Max</dt>
            <dd>{p.max ?? '—'}</dd>
          </dl>
          <table>
            <caption>Top values</caption>
            <tbody>
              {p.top_values.map((v, i) => (
                <tr key={i}>
                  <td>{v.value ?? <span className="muted">null</span>}</td>
                  <td className="num">{num(v.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Loaded>
  );
}

function TableView({ table }: { table: CatalogTable }) {
  const [column, setColumn] = useState<string | null>(null);
  const preview = usePreview(table.schema, table.name);
  return (
    <section aria-labelledby="table-h" className="catalog-table">
      <h2 id="table-h">
        <code>
          {table.schema}.{table.name}
        </code>{' '}
        <span className="muted small">
          {table.type} · {num(table.row_count)} rows
        </span>
      </h2>
      <div className="grid-2">
        <table>
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">Type</th>
              <th scope="col">
                <span className="sr-only">Profile</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {table.columns.map((c) => (
              <tr key={c.name}>
                <th scope="row">{c.name}</th>
                <td>
                  <code>{c.type}</code>
                </td>
                <td>
                  <button type="button" className="link" aria-label={`Profile ${c.name}`} onClick={() => setColumn(c.name)}>
                    Profile
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div>{column ? <Profile table={table} column={column} /> : <p className="muted">Choose Profile on a column to compute its nulls, distinct values, min/max and top values.</p>}</div>
      </div>
      <h3>First rows</h3>
      <Loaded query={preview}>
        {(p) =>
          p.rows.length === 0 ? (
            <Empty title="This table is empty" />
          ) : (
            <div className="table-wrap">
              <table className="preview" data-testid="preview">
                <thead>
                  <tr>
                    {p.columns.map((c) => (
                      <th key={c.name} scope="col">
                        {c.name}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {p.rows.map((r, i) => (
                    <tr key={i}>
                      {r.map((v, j) => (
                        <td key={j}>{v === null ? <span className="muted">null</span> : typeof v === 'object' ? JSON.stringify(v) : String(v)}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loaded>
    </section>
  );
}

/** Every schema and table of the warehouse with columns, a column profile on demand and a preview. */
export function CatalogPage() {
  const catalog = useCatalog();
  const [selected, setSelected] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const bySchema = useMemo(() => {
    const groups = new Map<string, CatalogTable[]>();
    const f = filter.trim().toLowerCase();
    for (const t of catalog.data ?? []) {
      if (f && !`${t.schema}.${t.name}`.toLowerCase().includes(f)) continue;
      groups.set(t.schema, [...(groups.get(t.schema) ?? []), t]);
    }
    return [...groups];
  }, [catalog.data, filter]);
  const table = catalog.data?.find((t) => `${t.schema}.${t.name}` === selected);
  return (
    <>
      <PageHeader title="Catalog" sub="Every schema and table of the DuckDB warehouse." />
      <Loaded query={catalog}>
        {(tables) =>
          tables.length === 0 ? (
            <Empty title="The warehouse is empty">Sync a source from the Sources page to load data.</Empty>
          ) : (
            <div className="catalog">
              <nav className="catalog-list" aria-label="Tables">
                <label className="filter">
                  Filter <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
                </label>
                {bySchema.map(([schema, list]) => (
                  <div key={schema}>
                    <div className="schema-name">{schema}</div>
                    <ul className="plain">
                      {list.map((t) => {
                        const key = `${t.schema}.${t.name}`;
                        return (
                          <li key={key}>
                            <button type="button" className="link" aria-pressed={selected === key} onClick={() => setSelected(key)}>
                              {t.name}
                            </button>{' '}
                            <span className="muted small">{num(t.row_count)}</span>
                          </li>
                        );
                      })}
                    </ul>
                  </div>
                ))}
              </nav>
              <div>{table ? <TableView key={selected} table={table} /> : <p className="muted">Choose a table to see its columns and first rows.</p>}</div>
            </div>
          )
        }
      </Loaded>
    </>
  );
}
