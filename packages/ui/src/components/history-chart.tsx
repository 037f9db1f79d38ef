import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { HistoryEntry } from '../api';

/** Rows and duration per sync over time, as a uPlot chart (two y axes). */
export function HistoryChart({ history }: { history: HistoryEntry[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || history.length === 0) return;
    const sorted = [...history].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
    const data: uPlot.AlignedData = [
      sorted.map((h) => Date.parse(h.timestamp) / 1000),
      sorted.map((h) => h.rows_processed),
      sorted.map((h) => h.duration_seconds),
    ];
    const width = () => Math.max(280, el.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height: 220,
        series: [
          {},
          { label: 'Rows', stroke: '#2f7d4f', width: 2, points: { size: 6 }, scale: 'rows' },
          { label: 'Duration (s)', stroke: '#b0572b', width: 2, points: { size: 6 }, scale: 's' },
        ],
        axes: [{}, { scale: 'rows' }, { scale: 's', side: 1, grid: { show: false } }],
      },
      data,
      el,
    );
    const onResize = () => plot.setSize({ width: width(), height: 220 });
    addEventListener('resize', onResize);
    return () => {
      removeEventListener('resize', onResize);
      plot.destroy();
    };
  }, [history]);
  return <div ref={box} className="chart" data-testid="history-chart" role="img" aria-label="Rows and duration per sync" />;
}
