import { useMemo, useState } from 'react';
import { Empty, Loaded, PageHeader, usePaging } from '../components/kit';
import { LogTable } from '../components/log-table';
import { useLogs, useSources } from '../queries';

const WINDOWS: [label: string, ms: number | null][] = [
  ['Any time', null],
  ['Last hour', 3_600_000],
  ['Last 24 h', 86_400_000],
  ['Last 7 days', 604_800_000],
];

/** The live activity log with level, source, time-window and text filters, paged. */
export function ActivityPage() {
  const logs = useLogs();
  const sources = useSources();
  const [level, setLevel] = useState('');
  const [source, setSource] = useState('');
  const [windowMs, setWindowMs] = useState<number | null>(null);
  const [text, setText] = useState('');
  const filtered = useMemo(() => {
    const since = windowMs === null ? null : Date.now() - windowMs;
    const t = text.trim().toLowerCase();
    return (logs.data ?? [])
      .filter((e) => (!level || e.level === level) && (!source || e.source === source) && (since === null || Date.parse(e.timestamp) >= since) && (!t || e.message.toLowerCase().includes(t)))
      .reverse();
  }, [logs.data, level, source, windowMs, text]);
  const { slice, pager, reset } = usePaging(filtered, 50);
  const change = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    reset();
  };
  return (
    <>
      <PageHeader title="Activity" sub="Everything the platform did, newest first; updates live." />
      <form className="filters" role="search" aria-label="Filter the log" onSubmit={(e) => e.preventDefault()}>
        <label>
          Level{' '}
          <select value={level} onChange={(e) => change(setLevel)(e.target.value)}>
            <option value="">All</option>
            {['INFO', 'SUCCESS', 'WARNING', 'ERROR'].map((l) => (
              <option key={l}>{l}</option>
            ))}
          </select>
        </label>
        <label>
          Source{' '}
          <select value={source} onChange={(e) => change(setSource)(e.target.value)}>
            <option value="">All</option>
            {(sources.data ?? []).map((s) => (
              <option key={s.name}>{s.name}</option>
            ))}
          </select>
        </label>
        <label>
          Time{' '}
          <select value={String(windowMs)} onChange={(e) => change(setWindowMs)(e.target.value === 'null' ? null : Number(e.target.value))}>
            {WINDOWS.map(([label, ms]) => (
              <option key={label} value={String(ms)}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Text <input type="search" value={text} onChange={(e) => change(setText)(e.target.value)} placeholder="contains…" />
        </label>
        <span className="muted small" data-testid="log-count">
          {filtered.length} lines
        </span>
      </form>
      <Loaded query={logs}>{() => (filtered.length === 0 ? <Empty title="No log lines match">Clear a filter, or wait for the next sync.</Empty> : <LogTable entries={slice} />)}</Loaded>
      {filtered.length > 50 ? pager : null}
    </>
  );
}
