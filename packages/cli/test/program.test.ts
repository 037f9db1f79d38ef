import { describe, expect, it } from 'vitest';
import { createProgram, runCli, type CliIo } from '../src/index';

function captureIo(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    live: false,
    env: {} as NodeJS.ProcessEnv,
    write: (t: string) => void (io.stdout += t),
    writeErr: (t: string) => void (io.stderr += t),
    out: (l: string) => void (io.stdout += `${l}\n`),
    err: (l: string) => void (io.stderr += `${l}\n`),
  };
  return io;
}

describe('createProgram / runCli (embedded use)', () => {
  it('parses repeatable, space-separated selectors and flags', async () => {
    const program = createProgram(captureIo());
    const run = program.commands.find((c) => c.name() === 'run')!;
    let seen: unknown;
    run.action((opts) => {
      seen = opts;
    });
    await program.parseAsync(['node', 'dango', 'run', '--select', 'a', 'b+', '-s', 'c d', '--exclude', 'x', '--full-refresh', '--threads', '2']);
    expect(seen).toEqual({ select: ['a', 'b+', 'c', 'd'], exclude: ['x'], fullRefresh: true, threads: 2 });
  });

  it('returns exit codes instead of exiting, with errors on the given stderr', async () => {
    const io = captureIo();
    expect(await runCli(['node', 'dango', 'status', '--project', '/nonexistent/dango-project'], io)).toBe(1);
    expect(io.stderr).toBe('error: No Dango project at /nonexistent/dango-project (.dango/project.yml is missing; run `dango init /nonexistent/dango-project`)\n');
    const unknown = captureIo();
    expect(await runCli(['node', 'dango', 'frobnicate'], unknown)).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const help = captureIo();
    expect(await runCli(['node', 'dango', 'sync', '--help'], help)).toBe(0);
    expect(help.stdout).toContain('--full-refresh');
    expect(help.stdout).toContain('--start-date <date>');
  });
});
