import type { ModelInfo, NodeResult, TransformResult } from '@dango/core';
import { formatSeconds } from './format';
import type { CliIo } from './io';

const LINE_WIDTH = 80;

function relation(r: NodeResult, info: ModelInfo | undefined): string {
  return info?.schema ? `${info.schema}.${r.name}` : r.name;
}

/** The description and bracketed tag of one node, in dbt's words. */
function describe(r: NodeResult, info: ModelInfo | undefined, verb: 'run' | 'compile'): [string, string] {
  const rel = relation(r, info);
  const what = r.resource_type === 'seed' ? 'seed' : `${info?.materialization ? `${info.materialization} ` : ''}model`;
  const counted = (word: string) => [word, r.failures ?? ''].filter((x) => x !== '').join(' ');
  const isTest = r.resource_type === 'test' || r.resource_type === 'unit_test';
  switch (r.status) {
    case 'success':
      if (verb === 'compile') return [`OK compiled ${r.resource_type} ${rel}`, 'OK'];
      if (r.resource_type === 'seed') return [`OK loaded seed ${rel}`, r.rows_affected != null ? `INSERT ${r.rows_affected}` : 'OK'];
      if (r.resource_type === 'snapshot') return [`OK snapshotted ${rel}`, r.message ?? 'OK'];
      return [`OK created ${what} ${rel}`, 'OK'];
    case 'pass':
      return [`PASS ${r.name}`, 'PASS'];
    case 'warn':
      return [`${counted('WARN')} ${r.name}`, counted('WARN')];
    case 'fail':
      return [`${counted('FAIL')} ${r.name}`, counted('FAIL')];
    case 'skipped':
      return [`SKIP ${isTest ? r.resource_type : 'relation'} ${isTest ? r.name : rel}`, 'SKIP'];
    case 'error':
      return [isTest ? `ERROR ${r.name}` : r.resource_type === 'snapshot' ? `ERROR snapshotting ${rel}` : `ERROR ${r.resource_type === 'seed' ? 'loading' : 'creating'} ${what} ${rel}`, 'ERROR'];
  }
}

/** One dbt-like node line: `1 of 5 OK created view model staging.stg_x ..... [OK in 0.12s]`. */
export function nodeLine(index: number, total: number, r: NodeResult, info?: ModelInfo, verb: 'run' | 'compile' = 'run'): string {
  const [text, tag] = describe(r, info, verb);
  const head = `${index} of ${total} ${text} `;
  const dots = '.'.repeat(Math.max(3, LINE_WIDTH - head.length));
  const time = r.status === 'skipped' ? '' : ` in ${formatSeconds(r.execution_time)}`;
  return `${head}${dots} [${tag}${time}]`;
}

/** PASS/WARN/ERROR/SKIP counts of a list of node results, as a run reports them. */
export function countResults(results: NodeResult[]): TransformResult['counts'] {
  const counts = { pass: 0, warn: 0, error: 0, skip: 0 };
  for (const r of results) {
    if (r.status === 'success' || r.status === 'pass') counts.pass += 1;
    else if (r.status === 'warn') counts.warn += 1;
    else if (r.status === 'skipped') counts.skip += 1;
    else counts.error += 1;
  }
  return counts;
}

/** The closing line: `Done. PASS=n WARN=n ERROR=n SKIP=n TOTAL=n`. */
export function summaryLine(result: TransformResult): string {
  const c = result.counts;
  return `Done. PASS=${c.pass} WARN=${c.warn} ERROR=${c.error} SKIP=${c.skip} TOTAL=${result.results.length}`;
}

/** True when the run failed (an error, or a failing test). */
export function transformFailed(result: TransformResult): boolean {
  return !result.success || result.counts.error > 0;
}

/** Prints the node lines, the failures with their messages, and the summary. */
export function printTransformResult(io: CliIo, result: TransformResult, models: ModelInfo[], verb: 'run' | 'compile' = 'run'): void {
  const byName = new Map(models.map((m) => [m.name, m]));
  const total = result.results.length;
  if (total === 0) io.out('Nothing to do: no nodes matched');
  result.results.forEach((r, i) => io.out(nodeLine(i + 1, total, r, byName.get(r.name), verb)));
  const problems = result.results.filter((r) => r.status === 'error' || r.status === 'fail' || r.status === 'warn');
  if (problems.length > 0) {
    io.out('');
    io.out(`Finished in ${formatSeconds(result.elapsed_seconds)} with ${problems.length} problem${problems.length === 1 ? '' : 's'}:`);
    for (const r of problems) {
      // Database errors span lines (caret markers); indent them under their node.
      const message = (r.message ?? r.status).split('\n').map((l, i) => (i === 0 || !l ? l : `    ${l}`)).join('\n');
      io.out(`  ${r.status === 'warn' ? 'Warning' : 'Failure'} in ${r.resource_type} ${r.name}: ${message}`);
    }
  }
  io.out('');
  io.out(summaryLine(result));
}
