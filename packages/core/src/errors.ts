/** Every failure the platform reports to a caller carries one of these codes. */
export type DangoErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'CONFIG_INVALID'
  | 'UPSTREAM_UNAVAILABLE'
  | 'INTERNAL';

/** The one table from error code to HTTP status, used by every adapter through core's HTTP layer. */
export const HTTP_STATUS_BY_CODE: Readonly<Record<DangoErrorCode, number>> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  CONFIG_INVALID: 500,
  UPSTREAM_UNAVAILABLE: 502,
  INTERNAL: 500,
};

/** An expected failure with a human message that is safe to show to API callers. */
export class DangoError extends Error {
  override readonly name = 'DangoError';

  constructor(
    readonly code: DangoErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The HTTP status this error maps to. */
  get status(): number {
    return HTTP_STATUS_BY_CODE[this.code];
  }
}

/** True when `err` is a DangoError, optionally with the given code. */
export function isDangoError(err: unknown, code?: DangoErrorCode): err is DangoError {
  return err instanceof DangoError && (code === undefined || err.code === code);
}

/** The message of any thrown value, for logs and events. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
