import { useState } from 'react';
import type { SourceSummary } from '../api';
import { useSyncSource } from '../queries';

/** Sync now, Full refresh and Sync a date range for one source; errors (409, 400) shown in place. */
export function SyncActions({ source }: { source: Pick<SourceSummary, 'name' | 'status' | 'enabled'> }) {
  const sync = useSyncSource();
  const [range, setRange] = useState(false);
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const busy = source.status === 'syncing' || sync.isPending;
  const label = (what: string) => `${what} ${source.name}`;
  return (
    <div className="sync-actions">
      <button type="button" className="primary" disabled={busy} aria-label={label('Sync now')} onClick={() => sync.mutate({ name: source.name })}>
        {source.status === 'syncing' ? 'Syncing…' : 'Sync now'}
      </button>
      <button type="button" disabled={busy} aria-label={label('Full refresh')} onClick={() => sync.mutate({ name: source.name, full_refresh: true })}>
        Full refresh
      </button>
      <button type="button" aria-expanded={range} aria-label={label('Sync a date range of')} onClick={() => setRange(!range)}>
        Date range…
      </button>
      {range ? (
        <form
          className="range"
          onSubmit={(e) => {
            e.preventDefault();
            sync.mutate({ name: source.name, start_date: start || null, end_date: end || null }, { onSuccess: () => setRange(false) });
          }}
        >
          <label>
            From <input type="date" value={start} onChange={(e) => setStart(e.target.value)} />
          </label>
          <label>
            To <input type="date" value={end} onChange={(e) => setEnd(e.target.value)} />
          </label>
          <button type="submit" disabled={busy}>
            Sync range
          </button>
        </form>
      ) : null}
      {sync.isError ? (
        <span className="error inline" role="alert">
          {sync.error.message}
        </span>
      ) : null}
    </div>
  );
}
