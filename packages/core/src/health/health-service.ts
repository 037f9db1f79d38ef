import { DangoError } from '../errors';
import type { PlatformContext } from '../context';
import type { HealthReport, StatusReport } from './types';

// PLACEHOLDER: replaced by the health implementation (issue 5).
/** Computes `/api/status` and `/api/health/platform`. */
export class HealthService {
  constructor(readonly ctx: PlatformContext) {}
  async status(): Promise<StatusReport> { throw new DangoError('INTERNAL', 'health: not implemented yet'); }
  async health(): Promise<HealthReport> { throw new DangoError('INTERNAL', 'health: not implemented yet'); }
}
