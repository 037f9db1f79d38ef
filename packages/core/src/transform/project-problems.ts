import path from 'node:path';
import { errorMessage } from '../errors';
import { graphContext } from './embedded-engine';
import { parseProject } from './graph/parse-project';
import { TemplateError } from './jinja/template-error';
import { hasDbtProject, loadProjectFiles, type ProjectFiles } from './project/load-project';

/** Every problem found while reading and parsing a dbt project (none when it parses). */
export interface ProjectProblems {
  problems: string[];
}

/** Leaves the model or singular test at `file` out, so the next parse goes past it; false when no such file is loaded. */
function dropSqlFile(files: ProjectFiles, file: string): boolean {
  const before = files.models.length + files.singularTests.length;
  files.models = files.models.filter((f) => f.rel !== file);
  files.singularTests = files.singularTests.filter((f) => f.rel !== file);
  return files.models.length + files.singularTests.length < before;
}

/**
 * Reads and parses the dbt project the way the embedded engine does, but reports every broken file
 * instead of stopping at the first: a file that does not load is left out, and a model whose refs or
 * sources do not resolve is left out and the parse tried again. Used by `dango validate`; the engine's
 * own runs still stop at the first error. `duckdbPath` names the warehouse catalog, as at run time.
 */
export function collectProjectProblems(dbtDir: string, duckdbPath: string): ProjectProblems {
  if (!hasDbtProject(dbtDir)) return { problems: [] };
  const problems: string[] = [];
  const report = (err: unknown) => problems.push(errorMessage(err));
  let files: ProjectFiles;
  try {
    files = loadProjectFiles(dbtDir, { onFileError: report });
  } catch (err) {
    // dbt_project.yml or the packages: nothing else can be read without them.
    report(err);
    return { problems };
  }
  const ctx = graphContext(files, { database: duckdbPath === ':memory:' ? 'memory' : path.parse(duckdbPath).name, threads: 1 });
  // Each pass leaves one more broken file out, so the loop ends after at most one pass per file.
  for (;;) {
    try {
      parseProject(files, ctx);
      return { problems };
    } catch (err) {
      report(err);
      if (!(err instanceof TemplateError) || !dropSqlFile(files, err.file)) return { problems };
    }
  }
}
