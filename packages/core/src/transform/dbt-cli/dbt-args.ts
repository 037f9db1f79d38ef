import { DangoError } from '../../errors';

/** The dbt subcommands Dango hands to a real dbt executable. */
export type DbtCommand = 'run' | 'test' | 'seed' | 'build' | 'compile' | 'snapshot' | 'docs generate';

/** Which nodes a dbt command acts on. */
export interface DbtSelection {
  select?: string[];
  exclude?: string[];
  fullRefresh?: boolean;
  /** dbt's `--vars`, passed as JSON (which dbt reads as YAML). */
  vars?: Record<string, unknown>;
}

const COMMANDS: ReadonlySet<string> = new Set<DbtCommand>(['run', 'test', 'seed', 'build', 'compile', 'snapshot', 'docs generate']);

// dbt accepts --full-refresh only where it rebuilds something.
const FULL_REFRESH_COMMANDS: ReadonlySet<DbtCommand> = new Set(['run', 'seed', 'build', 'compile']);

function selectors(flag: string, values: string[] | undefined): string[] {
  if (!values || values.length === 0) return [];
  for (const value of values) {
    // A selector that looks like a flag would be parsed by dbt as an option, e.g. a different --profiles-dir.
    if (value.trim() === '' || value.trimStart().startsWith('-')) {
      throw new DangoError('BAD_REQUEST', `Invalid dbt selector '${value}' for ${flag}`);
    }
  }
  return [flag, ...values.map((v) => v.trim())];
}

/** The dbt command line (without project/profile flags) for a command and a selection; `fullRefresh` is ignored where dbt has no such flag. */
export function dbtArgs(command: DbtCommand, sel: DbtSelection = {}): string[] {
  if (!COMMANDS.has(command)) throw new DangoError('BAD_REQUEST', `Unsupported dbt command '${command}'`);
  return [
    ...command.split(' '),
    ...selectors('--select', sel.select),
    ...selectors('--exclude', sel.exclude),
    ...(sel.fullRefresh && FULL_REFRESH_COMMANDS.has(command) ? ['--full-refresh'] : []),
    ...(sel.vars && Object.keys(sel.vars).length ? ['--vars', JSON.stringify(sel.vars)] : []),
  ];
}
