import type { Environment } from '@huggingface/jinja';
import { quoteLiteral } from '../../warehouse/sql';
import { renderableObject, type RuntimeValue } from '../jinja/jinja-values';
import { findTestMacro, namespacesOf } from '../jinja/macro-namespaces';
import { callMacro } from '../jinja/project-env';

/** What a generic test needs to become SQL. */
export interface GenericTestInput {
  globals: Environment;
  test: string;
  /** The tested relation as SQL. */
  model: string;
  modelValue: RuntimeValue;
  column: string | null;
  /** Arguments, with `ref()`/`source()` ones already rendered to relations. */
  kwargs: Record<string, unknown>;
  /** The `where:` test config, applied to the tested relation. */
  where?: string;
}

function need(kwargs: Record<string, unknown>, key: string, test: string): unknown {
  const v = kwargs[key];
  if (v === undefined || v === null) throw new Error(`test '${test}' needs the argument '${key}'`);
  return v;
}

/**
 * The failing-rows query of a generic test, as dbt's built-in test macros write it; other tests
 * call the project's `{% test name(model, column_name) %}` macro.
 */
export function genericTestSql(input: GenericTestInput): string {
  const { test, kwargs } = input;
  const model = input.where ? `(select * from ${input.model} where ${input.where}) dbt_subquery` : input.model;
  const col = input.column ?? (kwargs.column_name as string | undefined) ?? null;
  const needCol = () => {
    if (!col) throw new Error(`test '${test}' must be declared on a column`);
    return col;
  };
  switch (test) {
    case 'not_null':
      return `select ${needCol()}\nfrom ${model}\nwhere ${needCol()} is null`;
    case 'unique':
      return `select\n    ${needCol()} as unique_field,\n    count(*) as n_records\nfrom ${model}\nwhere ${needCol()} is not null\ngroup by ${needCol()}\nhaving count(*) > 1`;
    case 'accepted_values': {
      const values = need(kwargs, 'values', test);
      if (!Array.isArray(values) || values.length === 0) throw new Error(`test 'accepted_values' needs a non-empty 'values' list`);
      const quote = kwargs.quote !== false;
      const list = values.map((v) => (quote ? quoteLiteral(String(v)) : String(v))).join(', ');
      return `with all_values as (\n    select ${needCol()} as value_field, count(*) as n_records\n    from ${model}\n    group by ${needCol()}\n)\nselect *\nfrom all_values\nwhere value_field not in (${list})`;
    }
    case 'relationships': {
      const to = String(need(kwargs, 'to', test));
      const field = String(need(kwargs, 'field', test));
      return `with child as (\n    select ${needCol()} as from_field\n    from ${model}\n    where ${needCol()} is not null\n),\nparent as (\n    select ${field} as to_field\n    from ${to}\n)\nselect from_field\nfrom child\nleft join parent on child.from_field = parent.to_field\nwhere parent.to_field is null`;
    }
    default: {
      const modelValue = input.where ? renderableObject({}, model) : input.modelValue;
      const macro = findTestMacro(namespacesOf(input.globals), input.globals, test);
      if (!macro) throw new Error(`no {% test ${test} %} macro`);
      return callMacro(input.globals, macro, [], { ...kwargs, model: modelValue, ...(col ? { column_name: col } : {}) }).trim();
    }
  }
}
