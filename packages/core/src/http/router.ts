import { DangoError } from '../errors';
import type { AnyRoute } from './route';

/** The outcome of looking a request up in the route table. */
export type RouteLookup =
  | { kind: 'match'; route: AnyRoute; params: Record<string, string> }
  | { kind: 'wrong-method'; allow: string[] }
  | { kind: 'none' };

interface CompiledRoute {
  route: AnyRoute;
  /** Static segments as strings, parameter segments as `{ param }`. */
  segments: (string | { param: string })[];
}

/** Matches request paths against the route table's `{param}` templates. */
export interface Router {
  lookup(method: string, path: string): RouteLookup;
}

function compile(route: AnyRoute): CompiledRoute {
  const segments = route.path
    .split('/')
    .slice(1)
    .map((s) => (s.startsWith('{') && s.endsWith('}') ? { param: s.slice(1, -1) } : s));
  return { route, segments };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new DangoError('BAD_REQUEST', `Malformed percent-encoding in path segment '${segment}'`);
  }
}

function matchSegments(compiled: CompiledRoute, parts: string[]): Record<string, string> | null {
  if (compiled.segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const seg = compiled.segments[i]!;
    const part = parts[i]!;
    if (typeof seg === 'string') {
      if (seg !== part) return null;
    } else {
      if (part === '') return null;
      params[seg.param] = decodeSegment(part);
    }
  }
  return params;
}

/** Builds a router over a route table; HEAD is answered by GET routes. */
export function createRouter(routes: readonly AnyRoute[]): Router {
  const compiled = routes.map(compile);
  return {
    lookup(method, rawPath) {
      // One trailing slash is forgiven (`/api/sources/`), as most API clients expect.
      const path = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
      const parts = path.split('/').slice(1);
      const wanted = method === 'HEAD' ? 'GET' : method;
      const allow = new Set<string>();
      for (const c of compiled) {
        const params = matchSegments(c, parts);
        if (!params) continue;
        if (c.route.method === wanted) return { kind: 'match', route: c.route, params };
        allow.add(c.route.method);
        if (c.route.method === 'GET') allow.add('HEAD');
      }
      return allow.size > 0 ? { kind: 'wrong-method', allow: [...allow] } : { kind: 'none' };
    },
  };
}
