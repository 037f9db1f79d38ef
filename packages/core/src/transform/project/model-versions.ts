import type { ColumnProps, NodeProps } from './properties-yml';

/** One `versions:` entry of a model's properties. */
export interface VersionProps {
  v: string;
  /** The file (without `.sql`) that defines this version; dbt's default is `<model>_v<v>`. */
  defined_in: string | null;
  description: string | null;
  config: Record<string, unknown>;
  columns: ColumnProps[];
  /** Top-level columns this version leaves out (`columns: [{include: all, exclude: [x]}]`). */
  exclude: string[];
}

/** The versions of one model: each version's node name, and the one a bare `ref()` means. */
export interface VersionIndex {
  latest: string;
  names: Map<string, string>;
}

/** The node name of one version of a model: dbt names its relation `<model>_v<v>`. */
export const versionNodeName = (model: string, v: string): string => `${model}_v${v}`;

const byNumber = (a: string, b: string) => (Number(a) - Number(b)) || (a < b ? -1 : a > b ? 1 : 0);

/** The model properties with one entry per version (top-level properties merged with the version's), the version index and each defining file's node name. */
export function expandVersions(models: Map<string, NodeProps>): { models: Map<string, NodeProps>; versions: Map<string, VersionIndex>; files: Map<string, string> } {
  const versions = new Map<string, VersionIndex>();
  const files = new Map<string, string>();
  if (![...models.values()].some((p) => p.versions?.length)) return { models, versions, files };
  const out = new Map(models);
  for (const props of models.values()) {
    if (!props.versions?.length) continue;
    out.delete(props.name);
    const names = new Map<string, string>();
    for (const ver of props.versions) {
      const name = versionNodeName(props.name, ver.v);
      names.set(ver.v, name);
      files.set(ver.defined_in ?? name, name);
      const own = new Set(ver.columns.map((c) => c.name));
      const columns = [...props.columns.filter((c) => !own.has(c.name) && !ver.exclude.includes(c.name)), ...ver.columns];
      out.set(name, { ...props, name, description: ver.description ?? props.description, columns, config: { ...props.config, ...ver.config }, version: { of: props.name, v: ver.v } });
    }
    const latest = props.latest_version ?? [...names.keys()].sort(byNumber).at(-1)!;
    versions.set(props.name, { latest, names });
  }
  return { models: out, versions, files };
}

/** The node name a `ref(name, v=...)` means: a version of a versioned model (its latest without `v`), or the name itself. */
export function versionedRef(versions: Map<string, VersionIndex> | undefined, name: string, v: unknown): string {
  const index = versions?.get(name);
  if (v === undefined || v === null) return index ? index.names.get(index.latest) ?? versionNodeName(name, index.latest) : name;
  if (!index) throw new Error(`ref('${name}', v=${String(v)}): '${name}' has no versions (declare them under versions: in its properties file)`);
  const target = index.names.get(String(v));
  if (!target) throw new Error(`ref('${name}', v=${String(v)}): '${name}' has no version ${String(v)} (its versions: ${[...index.names.keys()].join(', ')})`);
  return target;
}
