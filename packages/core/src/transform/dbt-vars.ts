import { parse } from 'yaml';
import { DangoError, errorMessage } from '../errors';

/** Values for `var()` given to one command (dbt's `--vars`): a mapping, or its YAML/JSON text. */
export type DbtVars = Record<string, unknown>;

/** Parses dbt's `--vars` text (`'{key: value}'`, YAML or JSON) into a mapping; BAD_REQUEST when it is not one. */
export function parseDbtVars(input: string | DbtVars | undefined | null): DbtVars | undefined {
  if (input === undefined || input === null) return undefined;
  if (typeof input !== 'string') return checked(input);
  if (!input.trim()) return undefined;
  let value: unknown;
  try {
    value = parse(input);
  } catch (err) {
    throw new DangoError('BAD_REQUEST', `--vars is not valid YAML or JSON: ${errorMessage(err).split('\n')[0]}`);
  }
  return checked(value);
}

function checked(value: unknown): DbtVars {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new DangoError('BAD_REQUEST', `--vars must be a mapping of names to values, e.g. '{start_date: "2024-01-01"}' (got ${JSON.stringify(value)})`);
  }
  return value as DbtVars;
}
