/** A duration as people read it: `45s`, `3m 4s`, `2h 3m 4s`, `1d 2h 3m 4s`. */
export function formatUptime(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const parts: [number, string][] = [
    [Math.floor(s / 86400), 'd'],
    [Math.floor((s % 86400) / 3600), 'h'],
    [Math.floor((s % 3600) / 60), 'm'],
    [s % 60, 's'],
  ];
  // Leading zero units are noise ("0d 0h 3m 4s"); inner ones keep the shape ("2h 0m 4s").
  const first = parts.findIndex(([n]) => n > 0);
  return parts
    .slice(first === -1 ? parts.length - 1 : first)
    .map(([n, unit]) => `${n}${unit}`)
    .join(' ');
}
