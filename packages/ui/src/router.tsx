import { createContext, useContext, useEffect, useState, type AnchorHTMLAttributes, type ReactNode } from 'react';

/** The app's path relative to the document base (`''`, `sources/sales`, ...). */
function currentRoute(): string {
  const base = new URL(document.baseURI).pathname;
  const path = location.pathname.startsWith(base) ? location.pathname.slice(base.length) : location.pathname.replace(/^\//, '');
  return decodeURI(path).replace(/\/+$/, '');
}

const RouteContext = createContext<{ path: string; query: URLSearchParams }>({ path: '', query: new URLSearchParams() });

/** Moves to a route (relative to the base) without reloading. */
export function navigate(to: string, replace = false): void {
  const url = new URL(to, document.baseURI);
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  dispatchEvent(new PopStateEvent('popstate'));
}

/** Provides the current route; re-renders on back/forward and `navigate`. */
export function RouterProvider({ children }: { children: ReactNode }) {
  const read = () => ({ path: currentRoute(), query: new URLSearchParams(location.search) });
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onPop = () => {
      setRoute(read());
      window.scrollTo(0, 0);
    };
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  return <RouteContext.Provider value={route}>{children}</RouteContext.Provider>;
}

/** The current route path and query. */
export function useRoute() {
  return useContext(RouteContext);
}

/** A relative link that navigates in place (a normal link for new tabs and modified clicks). */
export function Link({ to, children, ...rest }: { to: string; children: ReactNode } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  return (
    <a
      {...rest}
      href={to || './'}
      onClick={(e) => {
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(to || './');
      }}
    >
      {children}
    </a>
  );
}
