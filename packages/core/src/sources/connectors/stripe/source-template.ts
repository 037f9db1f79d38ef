import type { SourceTemplate } from '../connector';

/** `dango source add stripe`: the API reference's two endpoints, the optional window and host as comments. */
export const stripeTemplate: SourceTemplate = {
  summary: (name) => `${name}: Stripe objects, one table raw_${name}.<endpoint> each, merged on id, incremental on created`,
  block: () => ({ stripe_secret_key_env: 'STRIPE_API_KEY', endpoints: ['charges', 'customers'] }),
  comments: {
    stripe_secret_key_env: 'the variable in .dango/.env holding sk_live_... / sk_test_... (a restricted read-only key is enough)',
    endpoints: 'any of charges, customers, invoices, subscriptions, products, prices, payment_intents, refunds, balance_transactions (default: all)',
  },
  optional: [
    'start_date: 2024-01-01   # objects created on or after this day (first sync; later ones continue from the last loaded)',
    'end_date: 2024-12-31',
    'api_base: https://api.stripe.com   # a proxy or a local fake',
  ],
};
