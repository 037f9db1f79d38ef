// Transform benchmarks (DESIGN.md section 8): parse + compile of a generated 500-model project, and a
// 200-model DAG run through the embedded engine against the same compiled SQL executed directly.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DangoPlatform, initProject } from '../packages/core/src/index';
import { nodesFor } from '../packages/core/src/transform/execute/run-command';
import { createCompiler } from '../packages/core/src/transform/graph/compile-node';
import type { ModelNode } from '../packages/core/src/transform/graph/nodes';
import { parseProject } from '../packages/core/src/transform/graph/parse-project';
import { loadProjectFiles } from '../packages/core/src/transform/project/load-project';

const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 5));
const ROWS = Number(process.env.BENCH_ROWS ?? 20_000);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const MACRO = `{% macro safe_ratio(a, b) -%}
case when {{ b }} = 0 then null else {{ a }}::double / {{ b }} end
{%- endmacro %}
`;

/**
 * Writes a layered project: a tenth of the models are base tables generating `rows` rows; each other
 * model refs one to three earlier models, with a Jinja loop over measures; every fifth is a view.
 */
function writeProject(dbtDir: string, models: number, rows: number): void {
  fs.rmSync(path.join(dbtDir, 'models'), { recursive: true, force: true });
  fs.mkdirSync(path.join(dbtDir, 'models', 'marts'), { recursive: true });
  fs.mkdirSync(path.join(dbtDir, 'macros'), { recursive: true });
  fs.writeFileSync(path.join(dbtDir, 'macros', 'safe_ratio.sql'), MACRO);
  const base = Math.max(1, Math.floor(models / 10));
  const yml: string[] = ['version: 2', 'models:'];
  for (let i = 0; i < models; i++) {
    const name = `m${String(i).padStart(3, '0')}`;
    let sql: string;
    if (i < base) {
      sql = `{{ config(materialized='table', tags=['base']) }}
select range as id, range % 97 as grp, (range * 7) % 1000 as amount, (range * 13) % 500 as qty
from range(${rows})`;
    } else {
      const parents = [...new Set([i - 1, Math.floor(i / 2), Math.floor(i / 3)].filter((p) => p >= 0))].map((p) => `m${String(p).padStart(3, '0')}`);
      const materialized = i % 5 === 0 ? 'view' : 'table';
      sql = `{{ config(materialized='${materialized}') }}
{% set measures = ['amount', 'qty'] %}
with unioned as (
{% for p in ${JSON.stringify(parents)} %}
    select id, grp, amount, qty from {{ ref(p) }}{% if not loop.last %} union all{% endif %}
{% endfor %}
)
select id % ${rows} as id, grp,
{%- for m in measures %}
    sum({{ m }}) % 1000 as {{ m }},
{%- endfor %}
    {{ safe_ratio('sum(amount)', 'sum(qty)') }} as ratio
from unioned
group by 1, 2`;
    }
    fs.writeFileSync(path.join(dbtDir, 'models', 'marts', `${name}.sql`), sql);
    yml.push(`  - name: ${name}`, `    description: Generated model ${i}`);
  }
  fs.writeFileSync(path.join(dbtDir, 'models', 'marts', 'schema.yml'), `${yml.join('\n')}\n`);
}

async function freshProject(models: number, rows: number): Promise<{ dir: string; dbtDir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-bench-transform-'));
  await initProject(dir, { name: 'bench-transform' });
  const dbtDir = path.join(dir, 'dbt');
  writeProject(dbtDir, models, rows);
  return { dir, dbtDir };
}

/** Reads and parses the dbt project the way the engine does before a run (nothing executed). */
function readGraph(dbtDir: string) {
  const files = loadProjectFiles(dbtDir);
  return parseProject(files, {
    projectName: files.project.name, vars: files.project.vars,
    target: { name: 'dev', schema: 'main', type: 'duckdb', database: 'warehouse', threads: 4 },
    runStartedAt: new Date(), invocationId: 'bench', fullRefresh: false, execute: false, docs: files.docs,
  });
}

/** Bench 1: read, parse (every template rendered once), resolve and compile all 500 models. */
async function parseCompileBench(): Promise<number[]> {
  const { dir, dbtDir } = await freshProject(500, 1000);
  const times: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const t0 = performance.now();
      const graph = readGraph(dbtDir);
      const compiler = createCompiler(graph);
      let compiled = 0;
      for (const node of graph.byName.values()) if (node.resource_type === 'model') (compiler.model(node as ModelNode, false), compiled++);
      times.push(performance.now() - t0);
      if (compiled !== 500) throw new Error(`compiled ${compiled} models, expected 500`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return times;
}

/** Bench 2: `platform.transform()` of 200 models vs the same compiled SQL run directly, interleaved. */
async function runBench(): Promise<{ engine: number[]; direct: number[] }> {
  const { dir, dbtDir } = await freshProject(200, ROWS);
  const platform = await DangoPlatform.open({ projectDir: dir });
  const engine: number[] = [];
  const direct: number[] = [];
  try {
    const warm = await platform.transform();
    if (!warm.success) throw new Error(`warm-up run failed: ${JSON.stringify(warm.results.find((r) => r.status === 'error'))}`);
    // The direct side executes exactly what the engine compiled, in the same dependency order.
    const graph = readGraph(dbtDir);
    const compiler = createCompiler(graph);
    const statements = nodesFor(graph, 'run', {}).map((n) => {
      const node = n as ModelNode;
      const kind = node.config.materialized === 'view' ? 'VIEW' : 'TABLE';
      return `CREATE OR REPLACE ${kind} ${node.relation} AS\n${compiler.model(node, false)}`;
    });
    const runDirect = () => platform.warehouse.write(async (conn) => {
      await conn.run('CREATE SCHEMA IF NOT EXISTS marts');
      for (const sql of statements) await conn.run(sql);
    });
    for (let round = 0; round < ROUNDS; round++) {
      const sides: [string, () => Promise<unknown>][] = [
        ['engine', async () => {
          const r = await platform.transform();
          if (!r.success) throw new Error('engine run failed');
        }],
        ['direct', runDirect],
      ];
      if (round % 2 === 1) sides.reverse();
      for (const [name, fn] of sides) {
        const t0 = performance.now();
        await fn();
        (name === 'engine' ? engine : direct).push(performance.now() - t0);
      }
    }
  } finally {
    await platform.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { engine, direct };
}

const fmtList = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');

const parse = await parseCompileBench();
console.log(`parse + compile, 500 models: median ${(median(parse) / 1000).toFixed(3)} s (rounds ms: ${fmtList(parse)}) target < 1 s: ${median(parse) < 1000 ? 'met' : 'NOT met'}`);
const run = await runBench();
const ratio = median(run.engine) / median(run.direct);
console.log(`200-model run, ${ROWS} rows per base model:`);
console.log(`  direct SQL  median ${median(run.direct).toFixed(0)} ms (rounds ms: ${fmtList(run.direct)})`);
console.log(`  engine run  median ${median(run.engine).toFixed(0)} ms (rounds ms: ${fmtList(run.engine)})`);
console.log(`  ratio engine / direct: ${ratio.toFixed(3)}x (target <= 1.15x: ${ratio <= 1.15 ? 'met' : 'NOT met'})`);
