import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../types/consumer-project';

const run = promisify(execFile);

/** The published packages, dependencies first. */
export const PUBLIC_PACKAGES = [
  { workspace: '@dango/ui', dir: 'packages/ui', output: 'dist/index.html' },
  { workspace: '@dango/core', dir: 'packages/core', output: 'dist/index.d.cts' },
  { workspace: '@dango/express', dir: 'packages/adapter-express', output: 'dist/index.d.cts' },
  { workspace: '@dango/fastify', dir: 'packages/adapter-fastify', output: 'dist/index.d.cts' },
  { workspace: '@dango/koa', dir: 'packages/adapter-koa', output: 'dist/index.d.cts' },
  { workspace: '@dango/cli', dir: 'packages/cli', output: 'dist/index.d.ts' },
];

/** One tarball as `npm pack --json` describes it. */
export interface PackedTarball {
  name: string;
  filename: string;
  files: { path: string }[];
}

/** Packs every public package into `dir`; returns what each tarball holds. */
export async function packAll(dir: string): Promise<PackedTarball[]> {
  const workspaces = PUBLIC_PACKAGES.flatMap((p) => ['-w', p.workspace]);
  const { stdout } = await run('npm', ['pack', ...workspaces, '--pack-destination', dir, '--json'], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 });
  return (JSON.parse(stdout) as PackedTarball[]).map((t) => ({ ...t, filename: path.join(dir, path.basename(t.filename)) }));
}

/** Runs a command in the app; resolves with its output, rejects with it (stdout and stderr) on a non-zero exit. */
export async function runIn(cwd: string, file: string, args: string[], timeout = 120_000): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(file, args, { cwd, timeout, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${file} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** The `RESULT {...}` line a script in the app printed, parsed. */
export function resultOf(stdout: string): Record<string, unknown> {
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`no RESULT line in:\n${stdout}`);
  return JSON.parse(line.slice('RESULT '.length)) as Record<string, unknown>;
}

interface LockPackage {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** What npm installs for a package: its dependencies, optional ones and (npm >= 7) its required peers. */
function installedDependencies(entry: LockPackage): string[] {
  const peers = Object.keys(entry.peerDependencies ?? {}).filter((name) => !entry.peerDependenciesMeta?.[name]?.optional);
  return [...Object.keys({ ...entry.dependencies, ...entry.optionalDependencies }), ...peers];
}

/** Where Node finds `name` from the package at `from` (lockfile paths: nearest `node_modules` upwards). */
function resolveInLock(packages: Record<string, LockPackage>, from: string, name: string): string | null {
  let base = from;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return null;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut >= 0 ? base.slice(0, cut) : '';
  }
}

/**
 * The installed packages that installing `pkg` alone would bring (itself and what npm installs for
 * it, transitively; optional ones only where installed), as lockfile paths.
 */
export function installClosure(appDir: string, pkg: string): string[] {
  const lock = JSON.parse(readFileSync(path.join(appDir, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockPackage> };
  const seen = new Set<string>();
  const queue = [`node_modules/${pkg}`];
  while (queue.length) {
    const at = queue.pop()!;
    if (seen.has(at) || !existsSync(path.join(appDir, at))) continue;
    seen.add(at);
    const entry = lock.packages[at]!;
    for (const name of installedDependencies(entry)) {
      const found = resolveInLock(lock.packages, at, name);
      if (found) queue.push(found);
    }
  }
  return [...seen].sort();
}

/** A README example as a CommonJS script: imports become requires, the rest runs in an async function. */
export function asCommonJs(example: string): string {
  const lines = example.trimEnd().split('\n');
  const requires = lines
    .filter((l) => l.startsWith('import '))
    .map((l) => l.replace(/^import (.+) from ('[^']+');$/, 'const $1 = require($2);'));
  const body = lines.filter((l) => !l.startsWith('import '));
  return `${requires.join('\n')}\n\n(async () => {\n${body.join('\n')}\n})().catch((err) => {\n  console.error(err);\n  process.exit(1);\n});\n`;
}
