import type { z } from 'zod';
import { DangoError } from '../errors';

/** Where a value came from, for messages that name the field: `query parameter 'limit'`. */
export type InputPart = 'path parameter' | 'query parameter' | 'body field';

function describeIssue(part: InputPart, issue: z.core.$ZodIssue): string {
  const field = issue.path.map(String).join('.');
  const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  const what = missing ? 'is required' : issue.message;
  if (!field) return part === 'body field' ? `Invalid request body: ${what}` : `Invalid ${part}s: ${what}`;
  return `Invalid ${part} '${field}': ${what}`;
}

/** Parses `value` with `schema`; a failure is a 400 whose detail names every bad field. */
export function validateInput<S extends z.ZodType>(part: InputPart, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new DangoError('BAD_REQUEST', result.error.issues.map((issue) => describeIssue(part, issue)).join('; '));
}
