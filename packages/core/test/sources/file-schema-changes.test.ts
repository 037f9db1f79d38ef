import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import type { DangoEventMap } from '../../src/events';
import { bumpMtime, createProject, csv, recordEvents, rows, type TestProject } from './helpers';

let project: TestProject;
afterEach(() => project.close());

/** The changes a recorded `schema_changed` event carries. */
const changesOf = (event: unknown) =>
  (event as DangoEventMap['schema_changed']).changes.map(({ column, change, from_type, to_type }) => ({ column, change, from_type, to_type }));

describe('schema changes of file sources', () => {
  it('csv: reports an added column, a widened type and a dropped column (event, WARNING log, details); none on first load or same-shape refresh', async () => {
    project = await createProject({ sales: {} });
    const platform = await project.open();
    const events = recordEvents(platform, ['schema_changed']);
    const a = project.write('sales', 'a.csv', csv(['id', 'amount', 'note'], [[1, 10, 'x']]));
    await platform.sync('sales');
    expect(events).toEqual([]);

    // b.csv adds `region`; rewriting a.csv without `note` leaves no file with it, and a decimal widens `amount`.
    project.write('sales', 'b.csv', csv(['id', 'amount', 'region'], [[2, 2.5, 'eu']]));
    fs.writeFileSync(a, csv(['id', 'amount'], [[1, 10]]));
    bumpMtime(a);
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', error_message: null });
    const cols = await rows<{ name: string; type: string }>(platform, "SELECT name, type FROM pragma_table_info('raw_sales.sales') WHERE name NOT LIKE '\\_dango%' ESCAPE '\\' ORDER BY cid");
    expect(cols.map((c) => c.name)).toEqual(['id', 'amount', 'region']);
    const expected = [
      { column: 'amount', change: 'type_widened', from_type: 'BIGINT', to_type: cols[1]!.type },
      { column: 'region', change: 'column_added', from_type: null, to_type: 'VARCHAR' },
      { column: 'note', change: 'column_dropped', from_type: 'VARCHAR', to_type: null },
    ];
    expect(cols[1]!.type).not.toBe('BIGINT');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'schema_changed', source: 'sales', table: 'sales' });
    expect(changesOf(events[0])).toEqual(expected);
    const warning = platform.logs({ limit: 100 }).find((l) => l.type === 'schema_changed');
    expect(warning).toMatchObject({ level: 'WARNING' });
    expect(warning?.message).toContain('dropped column note (VARCHAR)');
    expect(warning?.message).toContain('added column region (VARCHAR)');
    const details = await platform.getSource('sales');
    expect(details.schema_changes.map(({ column, change }) => ({ column, change }))).toEqual(
      [...expected].reverse().map(({ column, change }) => ({ column, change })),
    );

    // A full refresh that rebuilds with the same columns, and a sync with nothing changed, report nothing.
    expect(await platform.sync('sales', { fullRefresh: true })).toMatchObject({ status: 'success' });
    await platform.sync('sales');
    expect(events).toHaveLength(1);
    expect((await platform.getSource('sales')).schema_changes).toHaveLength(3);
  });

  it('local_files: reports a column added by a new NDJSON file and dropped when that file goes', async () => {
    project = await createProject({});
    const dir = path.join(project.dir, 'data', 'uploads', 'events');
    fs.mkdirSync(dir, { recursive: true });
    const source = { name: 'events', type: 'local_files', enabled: true, local_files: { directory: 'data/uploads/events' } };
    fs.writeFileSync(path.join(project.dir, '.dango', 'sources.yml'), stringify({ sources: [source] }));
    const platform = await project.open();
    const events = recordEvents(platform, ['schema_changed']);
    fs.writeFileSync(path.join(dir, 'a.jsonl'), '{"id":1,"kind":"click"}\n');
    await platform.sync('events');
    expect(events).toEqual([]);

    fs.writeFileSync(path.join(dir, 'b.jsonl'), '{"id":2,"kind":"view","score":1.5}\n');
    await platform.sync('events');
    expect(events).toHaveLength(1);
    expect(changesOf(events[0])).toEqual([{ column: 'score', change: 'column_added', from_type: null, to_type: 'DOUBLE' }]);

    fs.rmSync(path.join(dir, 'b.jsonl'));
    expect(await platform.sync('events')).toMatchObject({ status: 'success' });
    expect(await rows(platform, 'SELECT id, kind FROM raw_events.events')).toEqual([{ id: 1, kind: 'click' }]);
    expect(events).toHaveLength(2);
    expect(changesOf(events[1])).toEqual([{ column: 'score', change: 'column_dropped', from_type: 'DOUBLE', to_type: null }]);
  });
});
