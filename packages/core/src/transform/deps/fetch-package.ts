import { createWriteStream, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import semver from 'semver';
import { DangoError, errorMessage } from '../../errors';
import { runChild } from '../../node/run-child';
import type { PackageSpec } from '../project/packages';

/** The public dbt package hub. */
export const DBT_HUB_URL = 'https://hub.getdbt.com';

/** A package fetched into a scratch folder: the folder holding its `dbt_project.yml`, and where it came from. */
export interface FetchedPackage {
  dir: string;
  source: string;
  version: string | null;
}

/** Why a download failed, in words: the network error's code when there is one. */
function networkCause(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? errorMessage(err);
}

async function download(url: string, file: string, what: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(60_000) });
  } catch (err) {
    throw new DangoError('UPSTREAM', `Cannot download ${what} from ${new URL(url).host} (${networkCause(err)}): without network access, install it from a local copy (packages.yml: \`- local: <path>\`) or copy it into dbt_packages/`, { cause: err });
  }
  if (!res.ok || !res.body) throw new DangoError('UPSTREAM', `Cannot download ${what}: ${url} answered HTTP ${res.status}`);
  await pipeline(Readable.fromWeb(res.body as never), createWriteStream(file));
}

/** The folder under `root` that holds `dbt_project.yml` (an archive usually wraps the package in one folder). */
function projectFolder(root: string, what: string): string {
  if (existsSync(path.join(root, 'dbt_project.yml'))) return root;
  for (const e of readdirSync(root, { withFileTypes: true })) {
    if (e.isDirectory() && existsSync(path.join(root, e.name, 'dbt_project.yml'))) return path.join(root, e.name);
  }
  throw new DangoError('CONFIG_INVALID', `${what} holds no dbt_project.yml`);
}

/** Runs a tool (tar, git) and returns when it succeeds; otherwise throws UPSTREAM with `failure(why)`, why being its last line of output. */
async function runTool(file: string, args: string[], failure: (why: string) => string, timeoutMs?: number): Promise<void> {
  const lines: string[] = [];
  const result = await runChild(file, args, { env: { GIT_TERMINAL_PROMPT: '0' }, onLine: (line) => lines.push(line), timeoutMs });
  if (result.exitCode === 0 && !result.spawnError) return;
  const why = result.spawnError
    ? `${file} could not start (${result.spawnError})`
    : result.timedOut
      ? `${file} took longer than ${timeoutMs! / 1000} s`
      : (lines.map((l) => l.trim()).filter(Boolean).at(-1) ?? `${file} exited with code ${result.exitCode}`);
  throw new DangoError('UPSTREAM', failure(why));
}

async function extractTarball(url: string, scratch: string, what: string): Promise<string> {
  const file = path.join(scratch, 'package.tar.gz');
  await download(url, file, what);
  const out = path.join(scratch, 'extracted');
  mkdirSync(out, { recursive: true });
  await runTool('tar', ['-xzf', file, '-C', out], (why) => `Cannot unpack ${what} (${url}): ${why}`);
  return projectFolder(out, what);
}

interface HubIndex {
  versions?: Record<string, { downloads?: { tarball?: string } }>;
}

/** The newest hub version inside every range of `ranges` (dbt's `version: [">=1.0.0", "<2.0.0"]`). */
export function pickVersion(available: string[], ranges: string[], what: string): string {
  const range = ranges.length ? ranges.join(' ') : '*';
  const picked = semver.maxSatisfying(available.filter((v) => semver.valid(v)), range);
  if (!picked) throw new DangoError('CONFIG_INVALID', `No version of ${what} matches ${JSON.stringify(ranges)} (available: ${available.join(', ') || 'none'})`);
  return picked;
}

async function fetchHub(spec: Extract<PackageSpec, { kind: 'hub' }>, scratch: string, hubUrl: string): Promise<FetchedPackage> {
  const what = `the dbt package ${spec.package}`;
  const indexFile = path.join(scratch, 'index.json');
  await download(`${hubUrl.replace(/\/$/, '')}/api/v1/${spec.package}.json`, indexFile, what);
  let index: HubIndex;
  try {
    index = JSON.parse(await readFile(indexFile, 'utf8')) as HubIndex;
  } catch {
    throw new DangoError('UPSTREAM', `The package hub answered an unreadable index for ${spec.package}`);
  }
  const version = pickVersion(Object.keys(index.versions ?? {}), spec.version, spec.package);
  const tarball = index.versions![version]!.downloads?.tarball;
  if (!tarball) throw new DangoError('UPSTREAM', `The package hub lists no download for ${spec.package} ${version}`);
  return { dir: await extractTarball(tarball, scratch, `${what} ${version}`), source: `${spec.package}@${version}`, version };
}

async function fetchGit(spec: Extract<PackageSpec, { kind: 'git' }>, scratch: string): Promise<FetchedPackage> {
  const checkout = path.join(scratch, 'repo');
  const git = (args: string[], what: string) => runTool('git', args, (why) => `Cannot ${what} ${spec.git}: ${why}`, 300_000);
  await git(['clone', '--quiet', spec.git, checkout], 'clone');
  if (spec.revision) await git(['-C', checkout, 'checkout', '--quiet', spec.revision], `check out revision '${spec.revision}' of`);
  const dir = spec.subdirectory ? path.join(checkout, spec.subdirectory) : checkout;
  if (!existsSync(path.join(dir, 'dbt_project.yml'))) {
    throw new DangoError('CONFIG_INVALID', `${spec.git}${spec.subdirectory ? ` (subdirectory ${spec.subdirectory})` : ''} holds no dbt_project.yml`);
  }
  return { dir, source: `${spec.git}${spec.revision ? `@${spec.revision}` : ''}`, version: spec.revision };
}

/** Brings one package spec into `scratch` (local folders are used where they are); `baseDir` resolves `local:` paths. */
export async function fetchPackage(spec: PackageSpec, scratch: string, baseDir: string, hubUrl: string): Promise<FetchedPackage> {
  mkdirSync(scratch, { recursive: true });
  switch (spec.kind) {
    case 'local': {
      const dir = path.resolve(baseDir, spec.local);
      if (!existsSync(path.join(dir, 'dbt_project.yml'))) throw new DangoError('CONFIG_INVALID', `The local package ${spec.local} (${dir}) holds no dbt_project.yml`);
      return { dir, source: `local:${spec.local}`, version: null };
    }
    case 'git':
      return fetchGit(spec, scratch);
    case 'hub':
      return fetchHub(spec, scratch, hubUrl);
    case 'tarball':
      return { dir: await extractTarball(spec.tarball, scratch, `the dbt package ${spec.name ?? spec.tarball}`), source: spec.tarball, version: null };
  }
}
