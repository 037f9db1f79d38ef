// Generates the demo's sample CSVs deterministically (same bytes on every run).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let seed = 20241201;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

const first = ['Ada', 'Ben', 'Chloe', 'Dev', 'Elena', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Keiko', 'Liam', 'Maya', 'Noah', 'Olga', 'Pia'];
const last = ['Smith', 'Garcia', 'Müller', 'Rossi', 'Tanaka', 'Okafor', 'Dubois', 'Novak', 'Silva', 'Kim', 'Larsen', 'Haddad'];
const countries = ['DE', 'FR', 'GB', 'US', 'JP', 'BR', 'NG', 'IT', 'ES', 'NL'];
const segments = ['consumer', 'small_business', 'enterprise'];
const products = [
  ['P-100', 'Espresso beans 1kg', 24.5], ['P-101', 'Filter beans 1kg', 19.9], ['P-200', 'Grinder', 129.0],
  ['P-201', 'Kettle', 59.0], ['P-300', 'Mug set', 18.0], ['P-301', 'Travel cup', 22.0], ['P-400', 'Descaler', 9.5],
];
const csvField = (v) => (/[",\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));
const line = (row) => row.map(csvField).join(',');

const customers = [];
for (let i = 1; i <= 400; i++) {
  const signup = new Date(Date.UTC(2023, Math.floor(rand() * 12), 1 + Math.floor(rand() * 28)));
  customers.push([i, `${pick(first)} ${pick(last)}`, `customer${i}@example.com`, pick(countries), pick(segments), signup.toISOString().slice(0, 10)]);
}
mkdirSync(path.join(root, 'data/uploads/crm'), { recursive: true });
writeFileSync(
  path.join(root, 'data/uploads/crm/customers.csv'),
  [line(['customer_id', 'name', 'email', 'country', 'segment', 'signup_date']), ...customers.map(line)].join('\n') + '\n',
);

mkdirSync(path.join(root, 'data/uploads/sales'), { recursive: true });
let orderId = 10000;
for (let month = 1; month <= 6; month++) {
  const rows = [line(['order_id', 'order_date', 'customer_id', 'product_id', 'product_name', 'quantity', 'unit_price', 'status'])];
  for (let i = 0; i < 700; i++) {
    const [pid, pname, price] = pick(products);
    const day = 1 + Math.floor(rand() * 28);
    const status = rand() < 0.06 ? 'refunded' : rand() < 0.04 ? 'cancelled' : 'completed';
    rows.push(line([++orderId, `2024-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`, 1 + Math.floor(rand() * 400), pid, pname, 1 + Math.floor(rand() * 4), price, status]));
  }
  writeFileSync(path.join(root, `data/uploads/sales/orders_2024_${String(month).padStart(2, '0')}.csv`), rows.join('\n') + '\n');
}
console.log('Demo data written: 400 customers, 4,200 orders in 6 monthly files');

// Web events as NDJSON for the `web_events` local_files source (nested objects become parent__child columns).
const pages = ['/', '/shop', '/shop/espresso', '/shop/grinder', '/cart', '/checkout', '/blog/brewing'];
const referrers = ['google', 'newsletter', 'direct', 'instagram'];
const devices = [['ios', 'safari'], ['android', 'chrome'], ['windows', 'edge'], ['macos', 'firefox']];
mkdirSync(path.join(root, 'data/uploads/events'), { recursive: true });
let eventId = 0;
for (let month = 5; month <= 6; month++) {
  const events = [];
  for (let i = 0; i < 300; i++) {
    const [os, browser] = pick(devices);
    const day = String(1 + Math.floor(rand() * 28)).padStart(2, '0');
    const time = `${String(Math.floor(rand() * 24)).padStart(2, '0')}:${String(Math.floor(rand() * 60)).padStart(2, '0')}:00Z`;
    events.push(JSON.stringify({
      event_id: ++eventId,
      occurred_at: `2024-${String(month).padStart(2, '0')}-${day}T${time}`,
      event: rand() < 0.8 ? 'page_view' : 'add_to_cart',
      customer_id: rand() < 0.3 ? null : 1 + Math.floor(rand() * 400),
      page: { path: pick(pages), referrer: pick(referrers) },
      device: { os, browser },
    }));
  }
  writeFileSync(path.join(root, `data/uploads/events/events_2024_${String(month).padStart(2, '0')}.jsonl`), events.join('\n') + '\n');
}
console.log('Web events written: 600 events in 2 NDJSON files');
