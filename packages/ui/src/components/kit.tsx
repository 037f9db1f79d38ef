import type { UseQueryResult } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';

/** Where the project's documentation lives, for "what to do next" links. */
export const DOCS_URL = 'https://www.npmjs.com/package/@dango/core';

/** A coloured status word. */
export function Badge({ value }: { value: string | null | undefined }) {
  const v = value ?? 'not run';
  return <span className={`badge badge-${v.replace(/[^a-z_]/gi, '_').toLowerCase()}`}>{v.replace(/_/g, ' ')}</span>;
}

/** An empty state that says what to do next. */
export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty" role="note">
      <strong>{title}</strong>
      {children ? <div>{children}</div> : null}
    </div>
  );
}

/** An error sentence with a retry. */
export function ErrorNote({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div className="error" role="alert">
      {error instanceof Error ? error.message : String(error)}
      {retry ? (
        <button type="button" className="link" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

/** Renders a query's data, or its loading/error state. */
export function Loaded<T>({ query, children }: { query: UseQueryResult<T>; children: (data: T) => ReactNode }) {
  if (query.isPending) return <p className="muted" aria-busy="true">Loading…</p>;
  if (query.isError) return <ErrorNote error={query.error} retry={() => void query.refetch()} />;
  return <>{children(query.data)}</>;
}

/** A page heading with optional actions on the right. */
export function PageHeader({ title, children, sub }: { title: ReactNode; sub?: ReactNode; children?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {sub ? <p className="muted">{sub}</p> : null}
      </div>
      {children ? <div className="actions">{children}</div> : null}
    </header>
  );
}

/** A button that asks once more before doing something destructive. */
export function ConfirmButton({ label, confirm, onConfirm, disabled }: { label: string; confirm: string; onConfirm: () => void; disabled?: boolean }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="danger" disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={confirm}>
      <span>{confirm}</span>
      <button
        type="button"
        className="danger"
        autoFocus
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        Yes
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

/** A card holding one figure. */
export function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: ReactNode }) {
  return (
    <div className="stat">
      <div className="stat-value">{value}</div>
      <div className="stat-label">{label}</div>
      {hint ? <div className="muted small">{hint}</div> : null}
    </div>
  );
}

/** Shows a few items at a time with previous/next buttons. */
export function usePaging<T>(items: T[], pageSize: number) {
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(items.length / pageSize));
  const current = Math.min(page, pages - 1);
  const slice = items.slice(current * pageSize, current * pageSize + pageSize);
  const pager = (
    <nav className="pager" aria-label="Pages">
      <button type="button" disabled={current === 0} onClick={() => setPage(current - 1)}>
        Previous
      </button>
      <span>
        Page {current + 1} of {pages}
      </span>
      <button type="button" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
        Next
      </button>
    </nav>
  );
  return { slice, pager, reset: () => setPage(0) };
}
