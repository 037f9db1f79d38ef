import { capMessage, ERROR_CODE_HEADER, errorMessage, isDangoError } from '../errors';
import type { DangoPlatform } from '../platform';
import { errorResponse, type JsonResponse } from './types';

/** The generic detail of unexpected failures; their real message goes to the activity log only. */
export const INTERNAL_ERROR_DETAIL = 'Internal server error';

/**
 * Maps any thrown value to the `{"detail"}` answer: DangoError codes through the one status table,
 * anything else to a generic 500 that is logged and emitted (never its stack, never to the client).
 */
export function errorToResponse(platform: DangoPlatform, err: unknown, where: string): JsonResponse {
  if (isDangoError(err)) {
    const headers: Record<string, string> = { [ERROR_CODE_HEADER]: err.code };
    if (err.code === 'UNAUTHORIZED') headers['www-authenticate'] = 'Bearer';
    return errorResponse(err.status, capMessage(err.message), headers);
  }
  try {
    platform.context.emit('log', { level: 'ERROR', message: `Internal error on ${where}: ${errorMessage(err)}` });
  } catch {
    // A closed platform cannot log; the client still gets its answer.
  }
  return errorResponse(500, INTERNAL_ERROR_DETAIL, { [ERROR_CODE_HEADER]: 'INTERNAL' });
}
