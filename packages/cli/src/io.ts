/** Where a command writes: plain text to stdout and stderr, and whether live redraws are welcome. */
export interface CliIo {
  /** Writes text to standard output as is. */
  write(text: string): void;
  /** Writes text to standard error as is. */
  writeErr(text: string): void;
  /** Writes one line to standard output. */
  out(line: string): void;
  /** Writes one line to standard error. */
  err(line: string): void;
  /** True when stdout is a terminal and `CI` is unset: progress may redraw one line in place. */
  readonly live: boolean;
  /** The environment commands read (`DANGO_API_TOKEN`, `DANGO_DEBUG`). */
  readonly env: NodeJS.ProcessEnv;
}

/** The process's own stdout/stderr. */
export function processIo(): CliIo {
  return {
    write: (text) => process.stdout.write(text),
    writeErr: (text) => process.stderr.write(text),
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    live: Boolean(process.stdout.isTTY) && !process.env.CI,
    env: process.env,
  };
}

/** Thrown by a command that has already reported its failure and only needs a non-zero exit code. */
export class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}
