/** The outcome class of a finished node, for deciding whether its dependents may run. */
export type Outcome = 'ok' | 'blocked';

/** Parents of each node restricted to `ids`, keeping order through unselected nodes (as dbt's subset graph does). */
export function selectedParents(ids: Set<string>, parentMap: Map<string, string[]>): Map<string, string[]> {
  const memo = new Map<string, string[]>();
  // Nearest selected ancestors of an unselected node, memoised so long chains stay linear.
  const through = (id: string): string[] => {
    let m = memo.get(id);
    if (m) return m;
    m = [];
    memo.set(id, m);
    for (const p of parentMap.get(id) ?? []) {
      if (ids.has(p)) m.push(p);
      else m.push(...through(p));
    }
    return m;
  };
  const out = new Map<string, string[]>();
  for (const id of ids) {
    const parents = new Set<string>();
    for (const p of parentMap.get(id) ?? []) {
      if (ids.has(p)) parents.add(p);
      else for (const q of through(p)) parents.add(q);
    }
    out.set(id, [...parents]);
  }
  return out;
}

/**
 * Runs every node once its parents are done, up to `threads` at a time, in `order` among the ready
 * ones. A node whose parent was blocked is not run: `skip(id, blockedParent)` reports it instead.
 */
export async function schedule(options: {
  order: string[];
  parents: Map<string, string[]>;
  threads: number;
  run: (id: string) => Promise<Outcome>;
  skip: (id: string, cause: string) => void;
  /** How errors name a node (default: its id). */
  label?: (id: string) => string;
}): Promise<void> {
  const { order, parents, run, skip } = options;
  const label = options.label ?? ((id: string) => id);
  const state = new Map<string, Outcome>();
  const pending = new Set(order);
  let running = 0;
  return new Promise<void>((resolve, reject) => {
    const pump = (): void => {
      for (const id of order) {
        if (running >= options.threads) break;
        if (!pending.has(id)) continue;
        const ps = parents.get(id) ?? [];
        if (ps.some((p) => pending.has(p) || (state.get(p) === undefined && parents.has(p)))) continue;
        pending.delete(id);
        const blocked = ps.find((p) => state.get(p) === 'blocked');
        if (blocked) {
          state.set(id, 'blocked');
          skip(id, blocked);
          continue;
        }
        running++;
        run(id).then(
          (outcome) => {
            state.set(id, outcome);
            running--;
            pump();
          },
          (err: unknown) => reject(err),
        );
      }
      if (running === 0 && pending.size === 0) resolve();
      else if (running === 0) {
        // Only a cycle among the pending nodes can leave nothing runnable: name them and what they wait for.
        const waits = [...pending].slice(0, 10).map((id) => `${label(id)} waits for ${(parents.get(id) ?? []).filter((p) => pending.has(p)).map(label).join(', ') || 'nothing'}`);
        const cycle = findCycle(pending, parents);
        const where = cycle ? ` (cycle: ${cycle.map(label).join(' -> ')})` : '';
        reject(new Error(`scheduler stalled with ${pending.size} node(s) pending: ${waits.join('; ')}${where}`));
      }
    };
    pump();
  });
}

/** A cycle among `pending` nodes, following pending parents from the first one (as `a, b, a`), or null. */
function findCycle(pending: Set<string>, parents: Map<string, string[]>): string[] | null {
  const path: string[] = [];
  const at = new Map<string, number>();
  let id: string | undefined = pending.values().next().value;
  while (id !== undefined) {
    const seen = at.get(id);
    if (seen !== undefined) return [...path.slice(seen), id].reverse();
    at.set(id, path.length);
    path.push(id);
    id = (parents.get(id) ?? []).find((p) => pending.has(p));
  }
  return null;
}
