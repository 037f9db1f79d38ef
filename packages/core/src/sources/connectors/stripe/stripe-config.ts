import { z } from 'zod';
import { httpUrl } from '../rest-api/rest-config';

/** The Stripe list endpoints a `stripe` source can load, one table each. */
export const STRIPE_ENDPOINTS = ['charges', 'customers', 'invoices', 'subscriptions', 'products', 'prices', 'payment_intents', 'refunds', 'balance_transactions'] as const;

/** The Stripe API version every request pins (`Stripe-Version`), so an account's default version cannot change the data's shape. */
export const STRIPE_API_VERSION = '2024-06-20';

/** `YYYY-MM-DD`; YAML may hand over a date object for an unquoted date. */
const day = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD').refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'not a real date'),
);

/** The `stripe:` block; unknown keys are rejected. */
export const stripeConfigSchema = z
  .strictObject({
    /** Names the environment variable holding the secret key (`sk_live_...`/`sk_test_...`). */
    stripe_secret_key_env: z.string().min(1).default('STRIPE_API_KEY'),
    endpoints: z.array(z.enum(STRIPE_ENDPOINTS)).min(1).default([...STRIPE_ENDPOINTS]),
    /** Objects created on or after this day (the first sync's window; later syncs continue from the stored cursor). */
    start_date: day.optional(),
    /** Objects created up to the end of this day. */
    end_date: day.optional(),
    api_base: httpUrl.default('https://api.stripe.com'),
    max_retries: z.number().int().min(0).max(20).default(5),
    retry_backoff_seconds: z.number().min(0).default(1),
  })
  .refine((c) => !c.start_date || !c.end_date || c.start_date <= c.end_date, { message: 'start_date is after end_date', path: ['end_date'] })
  .refine((c) => new Set(c.endpoints).size === c.endpoints.length, { message: 'an endpoint is listed twice', path: ['endpoints'] });

/** A `stripe` block, defaulted. */
export type StripeConfig = z.output<typeof stripeConfigSchema>;
