/**
 * The commented `sources.yml` entry `dango source add stripe` appends (`__NAME__` is the source's
 * name). Every key is valid as written (tests load it).
 */
export const STRIPE_SOURCE_TEMPLATE = `# __NAME__: Stripe objects, one table raw___NAME__.<endpoint> each, merged on id, incremental on created
- name: __NAME__
  type: stripe
  enabled: true
  stripe:
    stripe_secret_key_env: STRIPE_API_KEY          # the variable in .dango/.env holding sk_live_... / sk_test_... (a restricted read-only key is enough)
    endpoints: [charges, customers]                # any of: charges, customers, invoices, subscriptions, products, prices, payment_intents, refunds, balance_transactions (default: all)
    # start_date: 2024-01-01                       # objects created on or after this day (first sync; later ones continue from the last one loaded)
    # end_date: 2024-12-31
    # api_base: https://api.stripe.com             # a proxy or a local fake
`;

/** The template for a source called `name`. */
export function stripeSourceTemplate(name: string): string {
  return STRIPE_SOURCE_TEMPLATE.replaceAll('__NAME__', name);
}
