import path from 'node:path';
import picomatch from 'picomatch';
import { resolveInProject, type ProjectConfig } from '../config';
import { coversFile, fileSourceLocations } from './file-sources';

/** What a changed path means to the watcher. */
export type ChangeKind = 'data' | 'model' | 'ignored';

/** The absolute folders the watcher observes and how it classifies paths inside them. */
export interface WatchPaths {
  /** Data folders (`watch_directories`, plus file-source directories outside them), only when `auto_sync` is on. */
  dataDirs: string[];
  /** `<dbt_project_dir>/models`, only when `auto_dbt` is on. */
  modelsDir: string | null;
  /** Every folder to hand to chokidar. */
  roots: string[];
  /** Classifies a path (file events only). */
  classify(file: string): ChangeKind;
  /** chokidar's `ignored` predicate: hidden and temporary entries, and files nobody listens for. */
  ignored(file: string, stats?: { isFile(): boolean }): boolean;
}

/** Model files whose edits trigger a model run. */
const MODEL_EXTENSIONS = new Set(['.sql', '.yml', '.yaml']);

// Editors, browsers and copy tools write to these names first and rename when done.
const TEMP_NAME = /(^~\$|~$|\.(tmp|temp|part|partial|crdownload|download|swp|swx|swo)$)/i;

/** True for `a` equal to or inside `dir` (both absolute). */
export function isInside(dir: string, a: string): boolean {
  const rel = path.relative(dir, a);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** True when any path segment below `root` is hidden (uploads stream to `.name` then rename) or a temp name. */
function isHiddenOrTemp(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  if (rel === '') return false;
  return rel.split(path.sep).some((seg) => seg.startsWith('.') || TEMP_NAME.test(seg));
}

/** Resolves the configured folders and builds the classifier for one watcher run. */
export function watchPaths(config: ProjectConfig): WatchPaths {
  const p = config.platform;
  const configured = p.auto_sync ? [...new Set(p.watch_directories.map((d) => resolveInProject(config.root, d)))] : [];
  // A file source's own directory and file_pattern count too, so a local_files source's `*.jsonl` drops
  // sync without the user also listing them in watch_patterns.
  const sources = p.auto_sync ? fileSourceLocations(config) : [];
  const dataDirs = [...configured];
  for (const dir of sources.map((l) => l.directory)) if (!dataDirs.some((d) => isInside(d, dir))) dataDirs.push(dir);
  const modelsDir = p.auto_dbt ? path.join(resolveInProject(config.root, p.dbt_project_dir), 'models') : null;
  const matchesPattern = picomatch(p.watch_patterns, { basename: true, dot: false });
  const isData = (abs: string): boolean =>
    (configured.some((d) => isInside(d, abs)) && matchesPattern(path.basename(abs))) || sources.some((l) => coversFile(l, abs));
  const roots = modelsDir ? [...dataDirs, modelsDir] : [...dataDirs];

  const classify = (file: string): ChangeKind => {
    const abs = path.resolve(file);
    if (modelsDir && isInside(modelsDir, abs)) {
      if (isHiddenOrTemp(modelsDir, abs)) return 'ignored';
      return MODEL_EXTENSIONS.has(path.extname(abs).toLowerCase()) ? 'model' : 'ignored';
    }
    const root = dataDirs.find((d) => isInside(d, abs));
    if (!root || isHiddenOrTemp(root, abs)) return 'ignored';
    return isData(abs) ? 'data' : 'ignored';
  };

  const ignored = (file: string, stats?: { isFile(): boolean }): boolean => {
    const abs = path.resolve(file);
    const root = roots.find((r) => isInside(r, abs));
    if (!root) return false;
    if (isHiddenOrTemp(root, abs)) return true;
    // Directories must stay watched so files created later inside them are seen.
    return stats?.isFile() === true && classify(abs) === 'ignored';
  };

  return { dataDirs, modelsDir, roots, classify, ignored };
}
