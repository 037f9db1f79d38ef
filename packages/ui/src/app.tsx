import { lazy, Suspense, useEffect } from 'react';
import { LiveDot } from './live';
import { Link, useRoute } from './router';
import { useConfig } from './queries';
import { OverviewPage } from './pages/overview';
import { SourcesPage } from './pages/sources';

// The overview and sources list load with the first script; the heavier pages (charts, SQL) on demand.
const SourcePage = lazy(() => import('./pages/source-page').then((m) => ({ default: m.SourcePage })));
const ModelsPage = lazy(() => import('./pages/models').then((m) => ({ default: m.ModelsPage })));
const ModelPage = lazy(() => import('./pages/model-page').then((m) => ({ default: m.ModelPage })));
const CatalogPage = lazy(() => import('./pages/catalog').then((m) => ({ default: m.CatalogPage })));
const ActivityPage = lazy(() => import('./pages/activity').then((m) => ({ default: m.ActivityPage })));
const HealthPage = lazy(() => import('./pages/health').then((m) => ({ default: m.HealthPage })));

const NAV: [to: string, label: string][] = [
  ['', 'Overview'],
  ['sources', 'Sources'],
  ['models', 'Models'],
  ['catalog', 'Catalog'],
  ['activity', 'Activity'],
  ['health', 'Health'],
];

function Page({ path }: { path: string }) {
  const [section, name, ...rest] = path.split('/');
  const item = [name, ...rest].filter(Boolean).join('/');
  switch (section) {
    case '':
      return <OverviewPage />;
    case 'sources':
      return item ? <SourcePage name={item} /> : <SourcesPage />;
    case 'models':
      return item ? <ModelPage name={item} /> : <ModelsPage />;
    case 'catalog':
      return <CatalogPage />;
    case 'activity':
      return <ActivityPage />;
    case 'health':
      return <HealthPage />;
    default:
      return (
        <div className="empty">
          <strong>No page at “{path}”.</strong> <Link to="">Go to the overview</Link>
        </div>
      );
  }
}

/** The dashboard shell: navigation, the live dot and the current page. */
export function App() {
  const { path } = useRoute();
  const config = useConfig();
  const section = path.split('/')[0] ?? '';
  useEffect(() => {
    const label = NAV.find(([to]) => to === section)?.[1] ?? 'Dango';
    document.title = `${label} · ${config.data?.project_name ?? 'Dango'}`;
  }, [section, config.data?.project_name]);
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="" className="brand">
          <span className="logo" aria-hidden="true" />{config.data?.project_name ?? 'Dango'}
        </Link>
        <nav aria-label="Main">
          {NAV.map(([to, label]) => (
            <Link key={to} to={to} aria-current={section === to ? 'page' : undefined}>
              {label}
            </Link>
          ))}
        </nav>
        <LiveDot />
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <Page path={path} />
        </Suspense>
      </main>
    </div>
  );
}
