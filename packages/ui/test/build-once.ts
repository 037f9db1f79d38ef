import { ensureUiBuilt } from '../scripts/ensure-built';

/** Vitest global setup: builds the dashboard once, before any worker starts, when it is missing or stale. */
export default function setup(): void {
  ensureUiBuilt();
}
