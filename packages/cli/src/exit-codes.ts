/** The exit statuses of `dango`, one meaning each (also printed by `dango --help`). */
export const EXIT = {
  /** Everything asked for was done. */
  ok: 0,
  /** The command failed: a source did not load, a model or test failed in seed/run/test/build, or another error. */
  failed: 1,
  /** The command line was wrong: an unknown command or option, an invalid value, a selector that matches nothing. */
  usage: 2,
  /** `dango sync`: every source loaded, but models run after the sync failed. */
  modelsFailed: 3,
} as const;

/** The exit codes as the help text lists them. */
export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  failure: a source did not load, a model or test failed (seed, run, test, build), or another error
  2  usage: unknown command or option, invalid value (e.g. --start-date), a selector that matches nothing
  3  dango sync: every source loaded, but models run after the sync failed`;
