import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';

const KILL_GRACE_MS = 5_000;

/** Options of `runChild`. */
export interface RunChildOptions {
  cwd?: string;
  /** Extra environment on top of this process's. */
  env?: Record<string, string>;
  /** Receives each line the child prints, stdout and stderr interleaved as they arrive; if it throws, the child is stopped and `runChild` rejects with that error. */
  onLine?: (line: string) => void;
  /** Aborting stops the child (SIGTERM, then SIGKILL). */
  signal?: AbortSignal;
  /** Stops the child after this many milliseconds. */
  timeoutMs?: number;
  /** How long a stopped child may take to exit after SIGTERM before it gets SIGKILL (default 5 s). */
  killGraceMs?: number;
}

/** How a child ended. */
export interface ChildOutcome {
  /** Its exit code; 128 + the signal's number when a signal ended it (the shell's convention). */
  exitCode: number;
  /** True when `signal` stopped it. */
  canceled: boolean;
  /** True when `timeoutMs` stopped it. */
  timedOut: boolean;
  /** The error code when it could not start (`ENOENT`: not found, `EACCES`: not executable). */
  spawnError?: string;
}

/** Splits a stream into lines (`\n` or `\r\n`), handing over a last line without newline at the end. */
function forEachLine(stream: Readable, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const part of parts) onLine(part.endsWith('\r') ? part.slice(0, -1) : part);
  });
  stream.on('end', () => {
    if (rest) onLine(rest);
    rest = '';
  });
}

/**
 * Runs `file` with `args` (no shell) and resolves when it has exited and its output is read. Node's own
 * `child_process` keeps execa and its 22 dependencies out of every app's install.
 */
export function runChild(file: string, args: string[], options: RunChildOptions = {}): Promise<ChildOutcome> {
  options.signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let canceled = false;
    let timedOut = false;
    let lineError: { error: unknown } | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      if (killTimer || child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), options.killGraceMs ?? KILL_GRACE_MS);
    };
    const onAbort = () => {
      canceled = true;
      stop();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timeout = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          stop();
        }, options.timeoutMs)
      : undefined;
    const done = () => {
      clearTimeout(killTimer);
      clearTimeout(timeout);
      options.signal?.removeEventListener('abort', onAbort);
    };
    const line = (text: string) => {
      if (lineError || !options.onLine) return;
      try {
        options.onLine(text);
      } catch (error) {
        lineError = { error };
        stop();
      }
    };
    forEachLine(child.stdout, line);
    forEachLine(child.stderr, line);
    child.on('error', (err: NodeJS.ErrnoException) => {
      // Only a failed spawn ends here for good; a failed kill of a running child is followed by 'close'.
      if (child.pid !== undefined) return;
      done();
      resolve({ exitCode: 127, canceled, timedOut, spawnError: err.code ?? err.message });
    });
    child.on('close', (code, signal) => {
      if (child.pid === undefined) return;
      done();
      if (lineError) return reject(lineError.error);
      const bySignal = signal ? constants.signals[signal] : undefined;
      resolve({ exitCode: code ?? (bySignal !== undefined ? 128 + bySignal : 1), canceled, timedOut });
    });
  });
}
