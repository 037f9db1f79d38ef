import { SourceFileError } from './connector';
import type { TrackedFile } from '../file-tracking';
import type { CsvDialect, DescribedFile } from './csv-read';
import type { CsvReadOptions } from './csv-read-options';

/** Formats a sniff is told to use instead of choosing its own. */
export type ForcedFormats = Partial<Pick<CsvDialect, 'dateformat' | 'timestampformat'>>;

/** A file being prepared, as far as date formats care. */
export interface DatedPlan {
  file: { rel: string };
  prev?: TrackedFile;
  described?: DescribedFile;
}

interface Kind {
  key: 'dateformat' | 'timestampformat';
  option: 'dateFormat' | 'timestampFormat';
  setting: string;
  noun: string;
  types: string[];
}

const KINDS: Kind[] = [
  { key: 'dateformat', option: 'dateFormat', setting: 'csv.date_format', noun: 'dates', types: ['DATE'] },
  { key: 'timestampformat', option: 'timestampFormat', setting: 'csv.timestamp_format', noun: 'timestamps', types: ['TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'TIMESTAMPTZ'] },
];

/**
 * True when some text reads under both formats as different values: they differ only in where day and
 * month stand (`%d/%m/%Y` and `%m/%d/%Y`). Formats of other shapes (ISO `%Y-%m-%d`) never read the same text.
 */
export function formatsConflict(a: string, b: string): boolean {
  const shape = (f: string): string => f.replace(/%-?[dm]/g, '%D');
  return a !== b && shape(a) === shape(b);
}

const hasKind = (columns: Array<{ type: string | null }> | null | undefined, kind: Kind): boolean =>
  (columns ?? []).some((c) => c.type !== null && kind.types.includes(c.type.toUpperCase()));

/** The source's format of a kind: the configured one, else the one of the earliest loaded file still present. */
function chosenFormat(plans: DatedPlan[], options: CsvReadOptions, kind: Kind): { format: string; from: string } | null {
  const configured = options[kind.option];
  if (configured) return { format: configured, from: kind.setting };
  const loaded = plans
    .map((p) => p.prev)
    .filter((t): t is TrackedFile => !!t?.loaded_at && typeof t.read_options?.[kind.key] === 'string' && hasKind(t.columns, kind))
    .sort((a, b) => (a.loaded_at! < b.loaded_at! ? -1 : a.loaded_at! > b.loaded_at! ? 1 : a.path < b.path ? -1 : 1));
  const first = loaded[0];
  return first ? { format: first.read_options![kind.key] as string, from: first.path } : null;
}

/**
 * One source, one interpretation of a date: DuckDB sniffs a date format per file, so `02/01/2024` would
 * be February 1st in a file that also holds `01/13/2024` and January 2nd in one that does not. The format
 * of each kind (date, timestamp) is the configured one (`csv.date_format`, `csv.timestamp_format`), else
 * the one chosen for the earliest loaded file (kept in its tracked read options, so it survives restarts),
 * else the first file's of this sync, in path order. A file whose own format could read the same text
 * differently is sniffed again with the source's format; if its dates do not fit that format it fails,
 * naming file, column and both formats. Mutates `plans[].described`.
 */
export async function settleDateFormats<P extends DatedPlan>(
  plans: P[],
  options: CsvReadOptions,
  redescribe: (plan: P, forced: ForcedFormats) => Promise<DescribedFile>,
): Promise<void> {
  const chosen = new Map(KINDS.map((k) => [k, chosenFormat(plans, options, k)]));
  for (const plan of plans) {
    const described = plan.described;
    if (!described || described.noRows) continue;
    const forced: ForcedFormats = {};
    for (const kind of KINDS) {
      const own = described.dialect[kind.key];
      const source = chosen.get(kind);
      if (!hasKind(described.columns, kind)) {
        // A configured format may be one the sniffer does not try by itself (`%d %b %Y`): text columns get a second look with it.
        if (source?.from === kind.setting && described.columns.some((c) => c.type === 'VARCHAR')) forced[kind.key] = source.format;
        continue;
      }
      if (!own) continue;
      if (!source) chosen.set(kind, { format: own, from: plan.file.rel });
      else if (formatsConflict(own, source.format)) forced[kind.key] = source.format;
    }
    if (Object.keys(forced).length === 0) continue;
    const again = await redescribe(plan, forced);
    for (const kind of KINDS) {
      const source = chosen.get(kind);
      if (!forced[kind.key] || !source) continue;
      const lost = described.columns.find((c, i) => hasKind([c], kind) && again.columns[i]?.type === 'VARCHAR');
      if (lost) {
        const origin = source.from === kind.setting ? kind.setting : `chosen for ${source.from}`;
        throw new SourceFileError(
          plan.file.rel,
          `${plan.file.rel}: column ${lost.name} holds ${kind.noun} in the format ${described.dialect[kind.key]}, but this source reads ${kind.noun} as ${source.format} (${origin}); ` +
            `fix the file, or set ${kind.setting} in .dango/sources.yml and run a full refresh`,
        );
      }
    }
    plan.described = again;
  }
}
