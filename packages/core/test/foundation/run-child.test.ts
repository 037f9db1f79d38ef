import { describe, expect, it } from 'vitest';
import { runChild } from '../../src/node/run-child';

const node = process.execPath;
const script = (code: string) => ['-e', code];

describe('runChild', () => {
  it('hands over stdout and stderr lines (\\n and \\r\\n, a last line without newline) and the exit code', async () => {
    const lines: string[] = [];
    const code = 'process.stdout.write("one\\r\\ntwo\\n"); process.stderr.write("three\\n"); setTimeout(() => { process.stdout.write("last"); process.exitCode = 3; }, 20)';
    const result = await runChild(node, script(code), { onLine: (l) => lines.push(l) });
    expect(result).toEqual({ exitCode: 3, canceled: false, timedOut: false });
    expect(lines.sort()).toEqual(['last', 'one', 'three', 'two']);
  });

  it('passes extra environment on top of this process and runs in cwd', async () => {
    const lines: string[] = [];
    const code = 'console.log(process.env.DANGO_X, typeof process.env.PATH, process.cwd())';
    await runChild(node, script(code), { env: { DANGO_X: 'yes' }, cwd: '/', onLine: (l) => lines.push(l) });
    expect(lines).toEqual(['yes string /']);
  });

  it('reports a command that cannot start instead of rejecting', async () => {
    const result = await runChild('dango-no-such-command-anywhere', []);
    expect(result).toMatchObject({ spawnError: 'ENOENT', canceled: false });
  });

  it('stops a child on timeout', async () => {
    const result = await runChild(node, script('setInterval(() => {}, 1000)'), { timeoutMs: 200 });
    expect(result).toEqual({ exitCode: 128 + 15, canceled: false, timedOut: true });
  });

  it('stops a child when aborted, with SIGKILL when it ignores SIGTERM', async () => {
    const ac = new AbortController();
    const lines: string[] = [];
    // "ready" is printed after the SIGTERM handler is in place, so the abort always meets it.
    const code = 'process.on("SIGTERM", () => console.log("ignored")); console.log("ready"); setInterval(() => {}, 1000)';
    const onLine = (l: string) => {
      lines.push(l);
      if (l === 'ready') ac.abort();
    };
    const result = await runChild(node, script(code), { signal: ac.signal, killGraceMs: 1000, onLine });
    expect(result).toEqual({ exitCode: 128 + 9, canceled: true, timedOut: false });
    expect(lines).toEqual(['ready', 'ignored']);
  });

  it('rejects with the error of a throwing onLine after stopping the child', async () => {
    const boom = new Error('listener failed');
    const code = 'console.log("first"); setInterval(() => console.log("more"), 10)';
    await expect(runChild(node, script(code), { onLine: () => { throw boom; } })).rejects.toBe(boom);
  });

  it('does not start when the signal is already aborted', async () => {
    const ac = new AbortController();
    ac.abort(new Error('gone'));
    expect(() => runChild(node, script('1'), { signal: ac.signal })).toThrow('gone');
  });
});
