import { checkProjectConfig, collectProjectProblems, DangoError, DangoPlatform, errorMessage, resolveInProject, type ProjectConfig, type TransformResult } from '@dango/core';
import { ApiClient } from '../api-client';
import { detectServer } from '../detect-server';
import { EXIT } from '../exit-codes';
import { CliExit, type CliIo } from '../io';
import { resolveProjectDir } from '../project';
import { runCommandRemotely } from '../remote-run';

/** Every problem of the config files (syntax, schema, unknown keys, source blocks, paths), one line each, and the config when there is none. */
async function configProblems(root: string): Promise<{ config?: ProjectConfig; lines: string[] }> {
  const { config, problems } = await checkProjectConfig(root);
  return { config, lines: problems.flatMap((p) => p.issues.map((i) => `${p.file}: ${i.path ? `${i.path}: ` : ''}${i.message}`)) };
}

/**
 * Every file of an embedded-engine dbt project that does not parse (a broken file is left out and the
 * rest parsed on), so one run names them all; the dbt CLI engine parses for itself in the compile step.
 */
function parseProblems(config: ProjectConfig): string[] {
  if (config.platform.transform_engine !== 'embedded') return [];
  const { problems } = collectProjectProblems(resolveInProject(config.root, config.platform.dbt_project_dir), config.platform.duckdb_path);
  // One line each: a YAML error's code frame below its first line would break the list apart.
  return problems.map((p) => `dbt project: ${p.split('\n')[0]!.replace(/:\s*$/, '')}`);
}

/** Compiles every node (in process, or on the running server) and returns the nodes that do not compile. */
async function dbtProblems(root: string, io: CliIo): Promise<string[]> {
  let result: TransformResult;
  const server = await detectServer(root);
  try {
    if (server) {
      const run = await runCommandRemotely(new ApiClient(server.url, io.env.DANGO_API_TOKEN || undefined), 'compile', {});
      if (!run.result) throw new DangoError('CONFIG_INVALID', run.error ?? 'the dbt project does not compile');
      result = run.result;
    } else {
      const platform = await DangoPlatform.open({ projectDir: root, record: false });
      try {
        result = await platform.compile();
      } finally {
        await platform.close();
      }
    }
  } catch (err) {
    return [`dbt project: ${errorMessage(err)}`];
  }
  return result.results.filter((r) => r.status === 'error').map((r) => `dbt ${r.resource_type} ${r.name}: ${(r.message ?? 'does not compile').split('\n')[0]}`);
}

/** Runs `dango validate`: every problem of the config files and the dbt project, exit 1 when any. */
export async function runValidate(opts: { project?: string }, io: CliIo): Promise<void> {
  const root = resolveProjectDir(opts.project);
  const { config, lines: problems } = await configProblems(root);
  // The dbt project is parsed and compiled with the project's settings, so only once they are valid;
  // it is compiled (which needs a parsed project) only when every file parsed.
  if (!config) problems.push('dbt project: not checked until the config files are valid');
  else {
    const parse = parseProblems(config);
    problems.push(...(parse.length > 0 ? parse : await dbtProblems(root, io)));
  }
  if (problems.length === 0) {
    io.out('OK: .dango/project.yml, .dango/sources.yml and the dbt project are valid');
    return;
  }
  for (const p of problems) io.out(`ERROR ${p}`);
  io.out(`${problems.length} problem${problems.length === 1 ? '' : 's'} found`);
  throw new CliExit(EXIT.failed);
}
