import { errorMessage } from '../../errors';
import type { Warehouse } from '../../warehouse';
import { quoteIdent } from '../../warehouse/sql';
import { relationObject } from '../adapter/relation';
import { injectCtes, relationValue, type Compiler } from '../graph/compile-node';
import type { ModelNode } from '../graph/nodes';
import type { ProjectGraph } from '../graph/project-graph';
import { define, jinjaFunction, rawFunction, toPlain, toRuntime, type RuntimeFunction, type RuntimeValue } from '../jinja/jinja-values';
import type { NodeResult } from '../types';
import { diffText, type DiffRow } from './diff-text';
import { rowKeys, rowsSelect, specRows, type TypedColumn } from './given-rows';
import type { UnitTestNode } from './unit-test-node';

/** What a unit test run produced: its result fields and the SQL it compared. */
export interface UnitTestOutcome extends Pick<NodeResult, 'status' | 'message' | 'failures'> {
  sql: string | null;
}

async function columnsOf(warehouse: Warehouse, schema: string, name: string): Promise<TypedColumn[]> {
  return warehouse.query<TypedColumn>(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns
      WHERE table_schema = $1 AND table_name = $2 AND table_catalog = current_database() ORDER BY ordinal_position`,
    [schema, name],
  );
}

/** The model's SQL over the given rows: each input a CTE, typed like its real relation when that exists. */
async function compileUnitTest(graph: ProjectGraph, compiler: Compiler, warehouse: Warehouse, node: UnitTestNode, model: ModelNode, untyped: string[]): Promise<string> {
  const ctes: [string, string][] = [];
  const byInput = new Map<string, RuntimeValue>();
  for (const [i, g] of node.given.entries()) {
    const target = graph.nodes.get(g.node)!;
    const ephemeral = target.resource_type === 'model' && target.config.materialized === 'ephemeral';
    const name = `unit_given_${i}`;
    let body: string;
    const rows = specRows(g);
    if (rows === null) body = String(g.rows ?? '');
    else {
      const columns = ephemeral ? [] : await columnsOf(warehouse, target.schema, target.alias);
      if (!columns.length && g.kind !== 'this') untyped.push(g.input);
      body = rowsSelect(rows, columns.length ? columns : null, `given input ${g.input}`);
    }
    ctes.push([name, body]);
    const key = g.kind === 'this' ? 'this' : g.kind === 'ref' ? `ref:${target.name}` : `source:${target.unique_id}`;
    byInput.set(key, relationObject({ identifier: `__dbt__cte__${name}`, schema: null, database: null, type: 'cte' }));
  }
  const missing = (what: string) => new Error(`the model ${model.name} uses ${what}, which no given input of unit test ${node.name} provides`);
  const { macros, vars } = node.overrides;
  const sql = compiler.modelWith(model, {
    ref: (name) => byInput.get(`ref:${name}`) ?? (() => { throw missing(`ref('${name}')`); })(),
    source: (s, t) => byInput.get(`source:${graph.sources.get(`${s}.${t}`)?.unique_id}`) ?? (() => { throw missing(`source('${s}', '${t}')`); })(),
    thisRelation: byInput.get('this') ?? relationValue(model),
    isIncremental: () => !!macros.is_incremental,
  }, (env) => {
    for (const [name, value] of Object.entries(macros)) if (name !== 'is_incremental') define(env, name, jinjaFunction(() => value));
    if (Object.keys(vars).length) {
      const original = env.lookupVariable('var') as unknown as { value: RuntimeFunction };
      define(env, 'var', rawFunction((args, scope) => {
        const name = String(toPlain(args[0]));
        return name in vars ? toRuntime(vars[name]) : original.value(args, scope);
      }));
    }
  });
  return injectCtes(sql, ctes);
}

/** The expected rows as a select of the compared columns, cast to the model's output types. */
function expectedSelect(node: UnitTestNode, actual: TypedColumn[]): { sql: string; columns: string[] } {
  const rows = specRows(node.expect);
  if (rows === null) return { sql: String(node.expect.rows ?? ''), columns: [] };
  const keys = rowKeys(rows);
  const unknown = keys.filter((k) => !actual.some((c) => c.name === k));
  if (unknown.length) throw new Error(`expected column(s) ${unknown.join(', ')} are not in the output of ${node.model} (its columns: ${actual.map((c) => c.name).join(', ')})`);
  const columns = keys.length ? actual.filter((c) => keys.includes(c.name)) : actual;
  return { sql: rowsSelect(rows, columns, `expect of unit test ${node.name}`), columns: columns.map((c) => c.name) };
}

/**
 * Runs a unit test: the model rendered over the given rows, its output compared with the
 * expected rows as multisets (on the expected columns); a difference fails with a diff table.
 */
export async function runUnitTest(graph: ProjectGraph, compiler: Compiler, warehouse: Warehouse, node: UnitTestNode): Promise<UnitTestOutcome> {
  const model = graph.byName.get(node.model) as ModelNode;
  let sql: string | null = null;
  const untyped: string[] = [];
  try {
    sql = await compileUnitTest(graph, compiler, warehouse, node, model, untyped);
    const actual = await warehouse.query<{ column_name: string; column_type: string }>(`DESCRIBE ${sql}`);
    const expected = expectedSelect(node, actual.map((c) => ({ name: c.column_name, type: c.column_type })));
    const columns = expected.columns.length ? expected.columns : (await warehouse.query<{ column_name: string }>(`DESCRIBE ${expected.sql}`)).map((c) => c.column_name);
    const list = columns.map(quoteIdent).join(', ');
    const text = columns.map((c) => `cast(${quoteIdent(c)} as varchar) as ${quoteIdent(c)}`).join(', ');
    const rows = await warehouse.query<Record<string, string | null> & { dango_mark: DiffRow['mark'] }>(
      `with dango_actual as (select ${list} from (\n${sql}\n) dango_model), dango_expected as (select ${list} from (\n${expected.sql}\n) dango_expect)
       select '-' as dango_mark, ${text} from (select * from dango_expected except all select * from dango_actual)
       union all select '+', ${text} from (select * from dango_actual except all select * from dango_expected)
       union all select ' ', ${text} from (select * from dango_expected intersect all select * from dango_actual)`,
    );
    const failures = rows.filter((r) => r.dango_mark !== ' ').length;
    if (!failures) return { status: 'pass', message: null, failures: 0, sql };
    const diff = diffText(columns, rows.map((r) => ({ mark: r.dango_mark, values: columns.map((c) => r[c] ?? null) })));
    return { status: 'fail', message: `Unit test ${node.name} of ${node.model} failed: actual differs from expected:\n${diff}`, failures, sql };
  } catch (err) {
    // Without the input's relation, only the given columns exist: say so when the model needs another.
    const hint = untyped.length && /Binder Error/.test(errorMessage(err))
      ? ` (${untyped.join(', ')} ${untyped.length === 1 ? 'does' : 'do'} not exist in the warehouse yet, so only the given columns exist: build ${untyped.length === 1 ? 'it' : 'them'} first, or give every column the model uses)`
      : '';
    return { status: 'error', message: `Error in unit test ${node.name} (${node.original_file_path}): ${errorMessage(err)}${hint}`, failures: null, sql };
  }
}
