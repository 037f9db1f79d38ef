import type { ProjectGraph } from '../graph/project-graph';
import type { NodeResult } from '../types';
import { artifactMetadata } from './artifact-metadata';

/** dbt's `run_results.json` (schema v6) for one invocation. */
export function buildRunResults(options: {
  graph: ProjectGraph;
  results: NodeResult[];
  compiled: Map<string, string>;
  invocationId: string;
  generatedAt: string;
  elapsed: number;
  args: Record<string, unknown>;
}): Record<string, unknown> {
  const { graph, compiled } = options;
  return {
    metadata: artifactMetadata('run-results/v6', options.invocationId, options.generatedAt),
    results: options.results.map((r, i) => {
      const node = graph.nodes.get(r.unique_id);
      const sql = compiled.get(r.unique_id);
      return {
        status: r.status,
        timing: [],
        thread_id: `Thread-${(i % 8) + 1}`,
        execution_time: r.execution_time,
        adapter_response: r.status === 'skipped' ? {} : { _message: r.message ?? 'OK', code: r.message?.split(' ')[0] ?? 'OK', rows_affected: r.rows_affected ?? -1 },
        message: r.message,
        failures: r.failures ?? null,
        unique_id: r.unique_id,
        compiled: sql !== undefined,
        compiled_code: sql ?? null,
        relation_name: node && node.resource_type !== 'test' && node.resource_type !== 'unit_test' ? node.relation : null,
        batch_results: null,
      };
    }),
    elapsed_time: options.elapsed,
    args: options.args,
  };
}
