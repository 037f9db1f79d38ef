import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);

/** The repository root (four levels above this file). */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** A workspace and the build output whose age tells whether its build is current. */
export interface BuiltPackage {
  workspace: string;
  dir: string;
  output: string;
}

/** The packages whose built declarations the consumer projects import. */
const BUILT: BuiltPackage[] = [
  { workspace: '@dango/core', dir: 'packages/core', output: 'dist/index.d.cts' },
  { workspace: '@dango/express', dir: 'packages/adapter-express', output: 'dist/index.d.cts' },
];

/** The newest modification time of any file under `dir`. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Builds each package (by default core and the Express adapter; dependencies first) when its build
 * output is missing or older than its sources, so tests check what would be published without a
 * build step before `npm test`.
 */
export async function ensureBuilt(packages: BuiltPackage[] = BUILT): Promise<void> {
  for (const pkg of packages) {
    const dts = path.join(repoRoot, pkg.dir, pkg.output);
    const stale = !existsSync(dts) || statSync(dts).mtimeMs < newestMtime(path.join(repoRoot, pkg.dir, 'src'))
      || statSync(dts).mtimeMs < statSync(path.join(repoRoot, pkg.dir, 'package.json')).mtimeMs;
    if (stale) await run('npm', ['run', 'build', '-w', pkg.workspace], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 });
  }
}

/** The fenced ```ts blocks of the README that show how to use the packages, in order. */
export function readmeExamples(): string[] {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/**
 * One README example as a module every setup accepts: its imports stay on top and its statements
 * move into an exported async function (a CommonJS file has no top-level await).
 */
export function asModule(example: string): string {
  const lines = example.trimEnd().split('\n');
  const imports = lines.filter((l) => l.startsWith('import '));
  const body = lines.filter((l) => !l.startsWith('import '));
  return `${imports.join('\n')}\n\nexport async function example(): Promise<void> {\n${body.map((l) => (l ? `  ${l}` : l)).join('\n')}\n}\n`;
}

/** A consumer setup: how its project resolves modules, and the extension of its source files. */
export interface ConsumerSetup {
  name: string;
  packageType: 'module' | 'commonjs';
  extension: '.ts' | '.cts';
  compilerOptions: Record<string, unknown>;
}

/** The four ways a TypeScript app commonly resolves packages. */
export const SETUPS: ConsumerSetup[] = [
  { name: 'esm-nodenext', packageType: 'module', extension: '.ts', compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' } },
  { name: 'cjs-nodenext', packageType: 'commonjs', extension: '.cts', compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' } },
  { name: 'bundler', packageType: 'module', extension: '.ts', compilerOptions: { module: 'esnext', moduleResolution: 'bundler' } },
  { name: 'node10', packageType: 'commonjs', extension: '.ts', compilerOptions: { module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true } },
];

/**
 * Writes a consumer project under `parent` (its node_modules is the repository's, so `@dango/*`
 * resolve through their package.json to the built files) and type-checks it with `skipLibCheck: false`.
 * Resolves with tsc's output; empty means no error.
 */
export async function typeCheckConsumer(parent: string, setup: ConsumerSetup, sources: Record<string, string>): Promise<string> {
  const dir = path.join(parent, setup.name);
  mkdirSync(dir, { recursive: true });
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `consumer-${setup.name}`, private: true, type: setup.packageType }));
  const files = Object.entries(sources).map(([name, text]) => {
    writeFileSync(path.join(dir, `${name}${setup.extension}`), text);
    return `${name}${setup.extension}`;
  });
  const tsconfig = {
    compilerOptions: { target: 'es2022', lib: ['es2023'], types: ['node'], strict: true, skipLibCheck: false, noEmit: true, ...setup.compilerOptions },
    files,
  };
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    await run(process.execPath, [tsc, '-p', dir, '--pretty', 'false'], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
    return '';
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message;
  }
}
