import { startFakeApi, type FakeAnswer, type FakeApi, type SeenRequest } from './fake-api';

/** A Stripe-shaped object of the fake. */
export interface StripeObject {
  id: string;
  object: string;
  created: number;
  [key: string]: unknown;
}

/** The fake's data and its fault injection; tests change them between syncs. */
export interface FakeStripe extends FakeApi {
  data: Record<string, StripeObject[]>;
  /** Answers to give instead of the real one, consumed first come first served per path. */
  faults: Array<{ path: string; answer: FakeAnswer }>;
  /** The `Stripe-Version` headers seen. */
  versions: Set<string>;
}

/** A test key of the fake (any other is refused like Stripe refuses it). */
export const STRIPE_KEY = 'sk_test_51FakeKeyAbCdEf0123456789';

/** `n` objects of a kind, one a day from `start` (Unix seconds), with a nested object per record. */
export function stripeObjects(kind: string, n: number, start = 1_704_067_200): StripeObject[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${kind.slice(0, 3)}_${String(i + 1).padStart(5, '0')}`,
    object: kind,
    created: start + i * 86_400,
    amount: 100 + i,
    livemode: false,
    metadata: { order: `o${i + 1}` },
    billing_details: { address: { city: 'Berlin', country: 'DE' } },
  }));
}

function list(req: SeenRequest, all: StripeObject[]): FakeAnswer {
  const q = req.url.searchParams;
  const gte = q.get('created[gte]');
  const lte = q.get('created[lte]');
  const limit = Math.min(Number(q.get('limit') ?? 10), 100);
  // Stripe lists newest first; `starting_after` continues after that object in this order.
  let items = all.filter((o) => (gte === null || o.created >= Number(gte)) && (lte === null || o.created <= Number(lte))).sort((a, b) => b.created - a.created);
  const after = q.get('starting_after');
  if (after) items = items.slice(items.findIndex((o) => o.id === after) + 1);
  return { body: { object: 'list', url: req.url.pathname, has_more: items.length > limit, data: items.slice(0, limit) } };
}

/** Starts a fake Stripe API: `GET /v1/<endpoint>` lists with `limit`, `starting_after`, `created[gte|lte]`, bearer keys. */
export async function startFakeStripe(data: Record<string, StripeObject[]>): Promise<FakeStripe> {
  const faults: FakeStripe['faults'] = [];
  const versions = new Set<string>();
  const api = await startFakeApi((req) => {
    versions.add(String(req.headers['stripe-version']));
    const fault = faults.findIndex((f) => f.path === req.url.pathname);
    if (fault >= 0) return faults.splice(fault, 1)[0]!.answer;
    const key = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (key !== STRIPE_KEY) {
      return { status: 401, body: { error: { message: `Invalid API Key provided: ${key}`, type: 'invalid_request_error' } } };
    }
    const kind = /^\/v1\/([a-z_]+)$/.exec(req.url.pathname)?.[1];
    if (!kind || !fake.data[kind]) return { status: 404, body: { error: { message: `Unrecognized request URL (GET: ${req.url.pathname})`, type: 'invalid_request_error' } } };
    return list(req, fake.data[kind]!);
  });
  const fake: FakeStripe = Object.assign(api, { data, faults, versions });
  return fake;
}
