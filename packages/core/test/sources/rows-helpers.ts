import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import { defineConnector } from '../../src/sources/connectors/connector';
import { readCursorState, stageRowTables, type RowTable } from '../../src/sources/rows';
import { createProject, type TestProject } from './helpers';

/** A project whose `.dango/sources.yml` holds exactly the given source entries; it opens with the `rows_fixture` connector. */
export async function createSourcesProject(sources: Array<Record<string, unknown>>, env?: string): Promise<TestProject> {
  const project = await createProject({});
  fs.writeFileSync(path.join(project.dir, '.dango', 'sources.yml'), stringify({ sources }));
  // The project's secrets (`.dango/.env`), as a user keeps them.
  if (env !== undefined) fs.writeFileSync(path.join(project.dir, '.dango', '.env'), env);
  const open = project.open.bind(project);
  project.open = (options = {}) => open({ connectors: [rowsFixtureConnector], ...options });
  return project;
}

/** The tables the `rows_fixture` connector loads next, per source name; tests set them before each sync. */
export const fixtureTables = new Map<string, RowTable[]>();

/** A connector over in-memory tables, to drive the row loader through real syncs. */
export const rowsFixtureConnector = defineConnector({
  type: 'rows_fixture',
  configSchema: z.object({}).passthrough(),
  async prepare(ctx) {
    const tables = fixtureTables.get(ctx.source.name) ?? [];
    return stageRowTables(ctx, tables, await readCursorState(ctx.warehouse, ctx.source.name));
  },
});

/** A table of the fixture connector from plain rows (served in batches of `batch`). */
export function fixtureTable(spec: Omit<RowTable, 'read'> & { rows: unknown[][]; batch?: number; failAfter?: number }): RowTable {
  const { rows, batch = 2, failAfter, ...table } = spec;
  return {
    ...table,
    read: () => ({
      batches: (async function* () {
        for (let i = 0; i < rows.length; i += batch) {
          if (failAfter !== undefined && i >= failAfter) throw new Error('the source went away mid-table');
          yield rows.slice(i, i + batch);
        }
      })(),
    }),
  };
}
