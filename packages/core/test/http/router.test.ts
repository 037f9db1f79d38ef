import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { DangoError } from '../../src/errors';
import { defineRoute } from '../../src/http/route';
import { createRouter } from '../../src/http/router';
import { ROUTES } from '../../src/http/routes';
import { validateInput } from '../../src/http/validate';

const router = createRouter(ROUTES);

describe('router', () => {
  it('matches static paths and returns no params', () => {
    const found = router.lookup('GET', '/api/status');
    expect(found.kind).toBe('match');
    if (found.kind === 'match') {
      expect(found.route.operationId).toBe('getStatus');
      expect(found.params).toEqual({});
    }
  });

  it('extracts and percent-decodes path parameters', () => {
    const found = router.lookup('POST', '/api/sources/my%20source/sync');
    expect(found).toMatchObject({ kind: 'match', params: { source_name: 'my source' } });
    if (found.kind === 'match') expect(found.route.operationId).toBe('syncSource');
  });

  it('tells GET and DELETE of the same path apart', () => {
    const get = router.lookup('GET', '/api/sources/s/csv-files');
    const del = router.lookup('DELETE', '/api/sources/s/csv-files');
    expect(get.kind === 'match' && get.route.operationId).toBe('listCsvFiles');
    expect(del.kind === 'match' && del.route.operationId).toBe('deleteCsvFile');
  });

  it('forgives one trailing slash', () => {
    expect(router.lookup('GET', '/api/sources/').kind).toBe('match');
  });

  it('answers HEAD with GET routes', () => {
    const found = router.lookup('HEAD', '/api/logs');
    expect(found.kind === 'match' && found.route.operationId).toBe('getLogs');
  });

  it('reports the allowed methods for a known path with a wrong method', () => {
    expect(router.lookup('PUT', '/api/sources/x/csv-files')).toEqual({ kind: 'wrong-method', allow: ['GET', 'HEAD', 'DELETE'] });
    expect(router.lookup('GET', '/api/sources/x/sync')).toEqual({ kind: 'wrong-method', allow: ['POST'] });
  });

  it('finds nothing for unknown paths, extra segments or empty parameters', () => {
    expect(router.lookup('GET', '/api/nothing').kind).toBe('none');
    expect(router.lookup('GET', '/api/sources/a/details/more').kind).toBe('none');
    expect(router.lookup('GET', '/api/sources//details').kind).toBe('none');
  });

  it('refuses malformed percent-encoding with a 400', () => {
    let caught: unknown;
    try {
      router.lookup('GET', '/api/sources/%E0%A4%A/details');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DangoError);
    expect((caught as DangoError).status).toBe(400);
  });

  it('prefers the first declared route when templates overlap', () => {
    const a = defineRoute({ method: 'GET', path: '/api/x/{id}', operationId: 'a', summary: '', tags: [], input: {}, response: z.null(), handler: () => null });
    const b = defineRoute({ method: 'GET', path: '/api/x/fixed', operationId: 'b', summary: '', tags: [], input: {}, response: z.null(), handler: () => null });
    const found = createRouter([b, a]).lookup('GET', '/api/x/fixed');
    expect(found.kind === 'match' && found.route.operationId).toBe('b');
  });
});

describe('validateInput', () => {
  const schema = z.object({ limit: z.coerce.number().int().min(1, 'must be at least 1'), name: z.string() });

  it('returns the parsed value', () => {
    expect(validateInput('query parameter', schema, { limit: '5', name: 'x' })).toEqual({ limit: 5, name: 'x' });
  });

  it('names every bad field and says which part of the request it was', () => {
    let caught: DangoError | undefined;
    try {
      validateInput('query parameter', schema, { limit: '0' });
    } catch (err) {
      caught = err as DangoError;
    }
    expect(caught?.code).toBe('BAD_REQUEST');
    expect(caught?.message).toContain("Invalid query parameter 'limit': must be at least 1");
    expect(caught?.message).toContain("Invalid query parameter 'name': is required");
  });

  it('describes a wrong top-level body type', () => {
    expect(() => validateInput('body field', schema, [1, 2])).toThrow(/^Invalid request body: /);
  });
});
