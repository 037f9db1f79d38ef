import { describe, expect, it } from 'vitest';
import type { DangoEventMap } from '@dango/core';
import type { CliIo } from '../src/io';
import { Progress } from '../src/progress';
import { progressText, SyncProgressView } from '../src/sync-progress';

const event = (over: Partial<DangoEventMap['sync_progress']>): DangoEventMap['sync_progress'] => ({
  type: 'sync_progress', source: 'big', step: 'load', message: 'Loading big.csv', timestamp: '2026-01-01T00:00:00.000Z', ...over,
});

function captureIo(live: boolean): CliIo & { text: string } {
  const io = {
    text: '',
    live,
    env: {},
    write: (t: string) => void (io.text += t),
    writeErr: () => undefined,
    out: (l: string) => void (io.text += `${l}\n`),
    err: () => undefined,
  };
  return io;
}

describe('sync progress', () => {
  it('shows rows with thousands separators, bytes of the total, a rate and an ETA', () => {
    const mb = 1024 * 1024;
    expect(progressText(event({ rows: 2_000_000, bytes: 40 * mb, total_bytes: 80 * mb }), 2000)).toBe('  big: 2,000,000 rows, 40.0 MB of 80.0 MB (50%), 20.0 MB/s, ETA 2s');
    expect(progressText(event({ bytes: 10 * mb }), 2000)).toBe('  big: 10.0 MB, 5.0 MB/s');
    expect(progressText(event({ rows: 3000 }), 2000)).toBe('  big: 3,000 rows, 1,500 rows/s');
    expect(progressText(event({}), 2000)).toBe('  big: Loading big.csv');
  });

  it('stays quiet for the first second, then redraws one line on a terminal', () => {
    let now = 0;
    const io = captureIo(true);
    const view = new SyncProgressView(new Progress(io), true, () => now);
    view.update(event({ rows: 10 }));
    expect(io.text).toBe('');
    now = 1500;
    view.update(event({ rows: 1500 }));
    now = 1600;
    view.update(event({ rows: 1600 }));
    expect(io.text).toBe('\r\x1b[K  big: 1,500 rows, 1,000 rows/s\r\x1b[K  big: 1,600 rows, 1,000 rows/s');
  });

  it('prints a plain line at most every five seconds in pipes and CI', () => {
    let now = 0;
    const io = captureIo(false);
    const view = new SyncProgressView(new Progress(io), false, () => now);
    for (now = 0; now <= 12_000; now += 500) view.update(event({ rows: now }));
    expect(io.text.split('\n').filter(Boolean)).toEqual(['  big: 1,000 rows, 1,000 rows/s', '  big: 6,000 rows, 1,000 rows/s', '  big: 11,000 rows, 1,000 rows/s']);
  });

  it('in pipes, sums the rows of loaded files and shows the latest bytes of the total, with rate and ETA', () => {
    let now = 0;
    const io = captureIo(false);
    const view = new SyncProgressView(new Progress(io), false, () => now);
    const mb = 1024 * 1024;
    now = 1000;
    view.update(event({ step: 'reading', bytes: 10 * mb, total_bytes: 40 * mb, message: 'Read' }));
    now = 2000;
    view.update(event({ step: 'loaded', file: 'a.csv', rows: 1000, message: 'Loaded a.csv: 1000 rows' }));
    view.update(event({ step: 'loaded', file: 'b.csv', rows: 500, message: 'Loaded b.csv: 500 rows' }));
    now = 6000;
    view.update(event({ step: 'reading', bytes: 30 * mb, total_bytes: 40 * mb, message: 'Read' }));
    now = 7000;
    view.update(event({ step: 'loaded', file: 'c.csv', rows: 250, message: 'Loaded c.csv: 250 rows' }));
    expect(io.text).toBe(
      '  big: 10.0 MB of 40.0 MB (25%), 10.0 MB/s, ETA 3s\n' +
        '  big: 1,500 rows, 30.0 MB of 40.0 MB (75%), 5.0 MB/s, ETA 2s\n',
    );
  });
});
