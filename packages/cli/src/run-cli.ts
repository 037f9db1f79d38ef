import { CommanderError } from 'commander';
import { EXIT } from './exit-codes';
import { CliExit, processIo, type CliIo } from './io';
import { createProgram } from './program';

/** True for core's DangoError, told by its name so that this module does not load core (`--version` stays fast). */
function dangoErrorCode(err: unknown): string | null {
  return err instanceof Error && err.name === 'DangoError' ? String((err as Error & { code?: unknown }).code) : null;
}

/** Runs the CLI on `argv` and returns the exit code; errors become `error: <message>` (stacks only with DANGO_DEBUG=1). */
export async function runCli(argv: string[] = process.argv, io: CliIo = processIo()): Promise<number> {
  try {
    await createProgram(io).parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    // Commander already printed its message; its non-zero exits are all about the command line.
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (err instanceof CliExit) return err.exitCode;
    const message = err instanceof Error ? err.message : String(err);
    io.err(`error: ${message}`);
    if (io.env.DANGO_DEBUG === '1' && err instanceof Error && err.stack) io.err(err.stack);
    else if (dangoErrorCode(err) === null) io.err('(set DANGO_DEBUG=1 for details)');
    return dangoErrorCode(err) === 'BAD_REQUEST' ? EXIT.usage : EXIT.failed;
  }
}
