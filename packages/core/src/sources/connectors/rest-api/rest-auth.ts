import { DangoError } from '../../../errors';
import { createHttpClient, type HttpClientOptions, type HttpRequest, type RequestAuth } from '../http/http-client';
import type { RestAuth } from './rest-config';

/** Reads a `*_env` key of the auth block (the variable's value; CONFIG_INVALID naming it when unset). */
export type SecretReader = (key: string) => string;

const header = (req: HttpRequest, name: string, value: string): HttpRequest => ({ ...req, headers: { ...req.headers, [name]: value } });

/**
 * The auth of a client: credentials are read when the client is made (so a missing variable fails
 * before any request) and added to each request; every credential joins `secrets` so no message shows it.
 */
export function createRestAuth(auth: RestAuth | undefined, read: SecretReader, secrets: string[], options: Omit<HttpClientOptions, 'auth' | 'secrets'>): RequestAuth | undefined {
  if (!auth) return undefined;
  switch (auth.type) {
    case 'bearer': {
      const token = read('token_env');
      secrets.push(token);
      return { apply: (req) => header(req, 'Authorization', `Bearer ${token}`) };
    }
    case 'api_key': {
      const key = read('key_env');
      secrets.push(key);
      if (auth.location === 'header') return { apply: (req) => header(req, auth.name, key) };
      return {
        apply(req) {
          const url = new URL(req.url);
          url.searchParams.set(auth.name, key);
          return { ...req, url: url.toString() };
        },
      };
    }
    case 'http_basic': {
      const user = auth.username ?? read('username_env');
      const password = read('password_env');
      const encoded = Buffer.from(`${user}:${password}`).toString('base64');
      secrets.push(password, encoded);
      return { apply: (req) => header(req, 'Authorization', `Basic ${encoded}`) };
    }
    case 'oauth2_client_credentials':
      return oauth2(auth, read, secrets, options);
  }
}

function oauth2(auth: Extract<RestAuth, { type: 'oauth2_client_credentials' }>, read: SecretReader, secrets: string[], options: Omit<HttpClientOptions, 'auth' | 'secrets'>): RequestAuth {
  const clientId = read('client_id_env');
  const clientSecret = read('client_secret_env');
  secrets.push(clientSecret);
  const tokenClient = createHttpClient({ ...options, secrets, describe: undefined });
  let token: { value: string; expiresAt: number } | null = null;
  let pending: Promise<string> | null = null;
  const fetchToken = async (): Promise<string> => {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
    if (auth.scope) form.set('scope', auth.scope);
    const res = await tokenClient.send({ method: 'POST', url: auth.token_url, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form.toString() });
    const body = res.json() as { access_token?: unknown; expires_in?: unknown };
    if (typeof body?.access_token !== 'string' || body.access_token === '') {
      throw new DangoError('UPSTREAM', `The OAuth2 token endpoint ${new URL(auth.token_url).origin} answered without an access_token`);
    }
    secrets.push(body.access_token);
    // Renewed a minute early, so a long page sequence never sends a token that expires on the way.
    const life = typeof body.expires_in === 'number' ? Math.max(0, body.expires_in - 60) * 1000 : Number.POSITIVE_INFINITY;
    token = { value: body.access_token, expiresAt: Date.now() + life };
    return token.value;
  };
  const current = async (): Promise<string> => {
    if (token && Date.now() < token.expiresAt) return token.value;
    pending ??= fetchToken().finally(() => {
      pending = null;
    });
    return pending;
  };
  return {
    apply: async (req) => header(req, 'Authorization', `Bearer ${await current()}`),
    async refresh(failed) {
      // Several requests refused with the same token renew it once; the others retry with the new one.
      if (token && failed.headers?.Authorization === `Bearer ${token.value}`) token = null;
      await current();
    },
  };
}
