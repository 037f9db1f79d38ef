import { afterEach, describe, expect, it } from 'vitest';
import { utf16ByteOrder } from '../../src/sources/connectors/csv-encoding';
import { createProject, rows, type TestProject } from './helpers';

let project: TestProject;
afterEach(async () => {
  await project?.close();
});

const TEXT = 'id,name\n1,Zoë\n2,Łukasz\n';
const LE_BOM = Buffer.from([0xff, 0xfe]);
const BE_BOM = Buffer.from([0xfe, 0xff]);
const le = (text: string): Buffer => Buffer.from(text, 'utf16le');
const be = (text: string): Buffer => le(text).swap16();

describe('UTF-16 files (issue 10, item 2)', () => {
  it('loads little-endian UTF-16, with or without a BOM, under encoding: utf-16', async () => {
    project = await createProject({ sales: { encoding: 'utf-16' } });
    project.write('sales', 'bom.csv', Buffer.concat([LE_BOM, le(TEXT)]));
    project.write('sales', 'plain.csv', le('id,name\n3,Ana\n'));
    const platform = await project.open();
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 3 });
    expect(await rows(platform, 'SELECT id, name FROM raw_sales.sales ORDER BY id')).toEqual([
      { id: 1, name: 'Zoë' }, { id: 2, name: 'Łukasz' }, { id: 3, name: 'Ana' },
    ]);
  });

  for (const [label, bytes] of [['with a BOM', Buffer.concat([BE_BOM, be(TEXT)])], ['without a BOM', be(TEXT)]] as const) {
    it(`fails big-endian UTF-16 ${label} under encoding: utf-16, naming the byte order and how to convert`, async () => {
      project = await createProject({ sales: { encoding: 'utf-16' } });
      project.write('sales', 'a.csv', bytes);
      const platform = await project.open();
      const r = await platform.sync('sales');
      expect(r.status).toBe('failed');
      expect(r.error_message).toBe(
        'a.csv is UTF-16 big-endian; DuckDB reads only little-endian UTF-16: convert it first (iconv -f UTF-16BE -t UTF-8 in.csv > out.csv) and set csv.encoding: utf-8',
      );
      expect(await rows(platform, `SELECT count(*)::INT AS n FROM information_schema.tables WHERE table_schema = 'raw_sales'`)).toEqual([{ n: 0 }]);
    });
  }

  it('names UTF-16 when a little-endian file meets the default encoding', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', Buffer.concat([LE_BOM, le(TEXT)]));
    project.write('sales', 'b.csv', le(TEXT));
    const platform = await project.open();
    const r = await platform.sync('sales');
    expect(r.status).toBe('failed');
    expect(r.error_message).toBe('a.csv is UTF-16 (little-endian), not UTF-8: set csv.encoding: utf-16 in .dango/sources.yml');
  });

  it('names UTF-16 big-endian when such a file meets the default encoding', async () => {
    project = await createProject({ sales: { encoding: 'latin-1' } });
    project.write('sales', 'a.csv', Buffer.concat([BE_BOM, be(TEXT)]));
    const platform = await project.open();
    const r = await platform.sync('sales');
    expect(r.status).toBe('failed');
    expect(r.error_message).toBe(
      'a.csv is UTF-16 big-endian; DuckDB reads only little-endian UTF-16: convert it first (iconv -f UTF-16BE -t UTF-8 in.csv > out.csv) and set csv.encoding: utf-8',
    );
  });
});

describe('utf16ByteOrder', () => {
  it('reads the BOM, else where the zero bytes fall; other text is not UTF-16', () => {
    expect(utf16ByteOrder(Buffer.concat([LE_BOM, le(TEXT)]))).toBe('le');
    expect(utf16ByteOrder(Buffer.concat([BE_BOM, be(TEXT)]))).toBe('be');
    expect(utf16ByteOrder(le(TEXT))).toBe('le');
    expect(utf16ByteOrder(be(TEXT))).toBe('be');
    expect(utf16ByteOrder(Buffer.from(TEXT, 'utf8'))).toBeNull();
    expect(utf16ByteOrder(Buffer.from(TEXT, 'latin1'))).toBeNull();
    expect(utf16ByteOrder(Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from(TEXT)]))).toBeNull();
  });
});
