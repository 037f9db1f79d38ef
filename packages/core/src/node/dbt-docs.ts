import path from 'node:path';
import { resolveInProject } from '../config';
import { errorResponse, type DangoResponse } from '../http/types';
import type { DangoPlatform } from '../platform';
import { serveDocs } from '../transform/docs-site/serve-docs';

/**
 * Serves `/dbt-docs/*`, `/manifest.json` and `/catalog.json` from the project's `dbt/target/` when no
 * external dbt-docs server is configured. `subPath` is the path after `/dbt-docs` (or `/manifest.json`).
 */
export async function serveDbtDocs(platform: DangoPlatform, subPath: string): Promise<DangoResponse> {
  const dbtDir = resolveInProject(platform.projectDir, platform.config.platform.dbt_project_dir);
  const answer = await serveDocs(path.join(dbtDir, 'target'), subPath);
  if (!answer) return errorResponse(404, 'Not Found');
  return { kind: 'bytes', status: answer.status, headers: answer.headers, body: answer.body };
}
