import { DangoError } from '../errors';
import type { AnyRoute } from './route';

/** The outcome of looking a request up in the route table (shared between requests: never mutate it). */
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

/** Methods whose answers are precomputed for the parameter-free paths of the table. */
const TABLE_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
const NONE: RouteLookup = Object.freeze({ kind: 'none' });

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

/** Checks the static segments first, so a template that does not fit allocates nothing. */
function fits(compiled: CompiledRoute, parts: string[]): boolean {
  if (compiled.segments.length !== parts.length) return false;
  for (let i = 0; i < parts.length; i++) {
    const seg = compiled.segments[i]!;
    if (typeof seg === 'string' ? seg !== parts[i] : parts[i] === '') return false;
  }
  return true;
}

function paramsOf(compiled: CompiledRoute, parts: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const seg = compiled.segments[i]!;
    if (typeof seg !== 'string') params[seg.param] = decodeSegment(parts[i]!);
  }
  return params;
}

/** The table scan in declaration order: the first fitting template of the method wins. */
function scan(compiled: readonly CompiledRoute[], method: string, path: string): RouteLookup {
  const parts = path.split('/').slice(1);
  const wanted = method === 'HEAD' ? 'GET' : method;
  const allow = new Set<string>();
  for (const c of compiled) {
    if (!fits(c, parts)) continue;
    if (c.route.method === wanted) return { kind: 'match', route: c.route, params: paramsOf(c, parts) };
    allow.add(c.route.method);
    if (c.route.method === 'GET') allow.add('HEAD');
  }
  return allow.size > 0 ? { kind: 'wrong-method', allow: [...allow] } : NONE;
}

/**
 * Answers of the scan for every parameter-free template path, computed once: the hot read paths
 * (`/api/status`, `/api/sources`) become one map lookup, with exactly the scan's precedence.
 */
function precompute(compiled: readonly CompiledRoute[]): Map<string, Map<string, RouteLookup>> {
  const table = new Map<string, Map<string, RouteLookup>>();
  for (const { route } of compiled) {
    if (route.path.includes('{') || table.has(route.path)) continue;
    const byMethod = new Map<string, RouteLookup>();
    for (const method of TABLE_METHODS) {
      const found = scan(compiled, method, route.path);
      if (found.kind === 'wrong-method') Object.freeze(found.allow);
      if (found.kind === 'match') Object.freeze(found.params);
      byMethod.set(method, Object.freeze(found));
    }
    table.set(route.path, byMethod);
  }
  return table;
}

/** Builds a router over a route table; HEAD is answered by GET routes. */
export function createRouter(routes: readonly AnyRoute[]): Router {
  const compiled = routes.map(compile);
  const table = precompute(compiled);
  return {
    lookup(method, rawPath) {
      // One trailing slash is forgiven (`/api/sources/`), as most API clients expect.
      const path = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
      return table.get(path)?.get(method) ?? scan(compiled, method, path);
    },
  };
}
