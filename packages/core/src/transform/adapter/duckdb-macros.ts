/**
 * dbt's global macros as Jinja, written from dbt's documentation: each public macro dispatches
 * (`adapter.dispatch(name, 'dbt')`) to a `duckdb__` implementation here, so a project can
 * replace one through `dispatch:` in dbt_project.yml, and calls them bare or as `dbt.<name>`.
 * The DuckDB SQL is this adapter's; a second warehouse would bring its own file of implementations.
 */

/** Public macros and their parameters (each dispatches to `duckdb__<name>`). */
const DISPATCHED: Record<string, string> = {
  dateadd: 'datepart, interval, from_date_or_timestamp',
  datediff: 'first_date, second_date, datepart',
  date_trunc: 'datepart, date',
  last_day: 'date, datepart',
  safe_cast: 'field, type',
  cast: 'field, type',
  concat: 'fields',
  hash: 'field',
  replace: 'field, old_chars, new_chars',
  length: 'expression',
  position: 'substring_text, string_text',
  right: 'string_text, length_expression',
  split_part: 'string_text, delimiter_text, part_number',
  listagg: "measure, delimiter_text=\"','\", order_by_clause=none, limit_num=none",
  any_value: 'expression',
  bool_or: 'expression',
  except: '',
  intersect: '',
  string_literal: 'value',
  escape_single_quotes: 'expression',
  cast_bool_to_text: 'field',
  array_construct: "inputs=[], data_type='integer'",
  array_append: 'array, new_element',
  array_concat: 'array_1, array_2',
  current_timestamp: '',
  current_timestamp_backcompat: '',
  current_timestamp_in_utc_backcompat: '',
  snapshot_get_time: '',
  type_string: '',
  type_timestamp: '',
  type_float: '',
  type_int: '',
  type_bigint: '',
  type_boolean: '',
  type_numeric: '',
  date: 'year, month, day',
  generate_series: 'upper_bound',
  get_intervals_between: 'start_date, end_date, datepart',
  date_spine: 'datepart, start_date, end_date',
};

const IMPLEMENTATIONS = String.raw`
{% macro duckdb__dateadd(datepart, interval, from_date_or_timestamp) %}date_add({{ from_date_or_timestamp }}, interval ({{ interval }}) {{ datepart }}){% endmacro %}
{% macro duckdb__datediff(first_date, second_date, datepart) %}date_diff('{{ datepart }}', {{ first_date }}::timestamp, {{ second_date }}::timestamp ){% endmacro %}
{% macro duckdb__date_trunc(datepart, date) %}date_trunc('{{ datepart }}', {{ date }}){% endmacro %}
{% macro duckdb__last_day(date, datepart) %}cast({{ dbt.dateadd('day', '-1', dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date))) }} as date){% endmacro %}
{% macro duckdb__safe_cast(field, type) %}try_cast({{ field }} as {{ type }}){% endmacro %}
{% macro duckdb__cast(field, type) %}cast({{ field }} as {{ type }}){% endmacro %}
{% macro duckdb__concat(fields) %}{{ fields | join(' || ') }}{% endmacro %}
{% macro duckdb__hash(field) %}md5(cast({{ field }} as {{ dbt.type_string() }})){% endmacro %}
{% macro duckdb__replace(field, old_chars, new_chars) %}replace({{ field }}, {{ old_chars }}, {{ new_chars }}){% endmacro %}
{% macro duckdb__length(expression) %}length({{ expression }}){% endmacro %}
{% macro duckdb__position(substring_text, string_text) %}position({{ substring_text }} in {{ string_text }}){% endmacro %}
{% macro duckdb__right(string_text, length_expression) %}right({{ string_text }}, {{ length_expression }}){% endmacro %}
{% macro duckdb__split_part(string_text, delimiter_text, part_number) %}string_split({{ string_text }}, {{ delimiter_text }})[ {{ part_number }} ]{% endmacro %}
{% macro duckdb__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
{%- if limit_num -%}
array_to_string(list_slice(array_agg({{ measure }}{% if order_by_clause %} {{ order_by_clause }}{% endif %}), 1, {{ limit_num }}), {{ delimiter_text }})
{%- else -%}
string_agg({{ measure }}, {{ delimiter_text }}{% if order_by_clause %} {{ order_by_clause }}{% endif %})
{%- endif -%}
{%- endmacro %}
{% macro duckdb__any_value(expression) %}any_value({{ expression }}){% endmacro %}
{% macro duckdb__bool_or(expression) %}bool_or({{ expression }}){% endmacro %}
{% macro duckdb__except() %}except{% endmacro %}
{% macro duckdb__intersect() %}intersect{% endmacro %}
{% macro duckdb__string_literal(value) %}'{{ value }}'{% endmacro %}
{% macro duckdb__escape_single_quotes(expression) %}{{ expression | replace("'", "''") }}{% endmacro %}
{% macro duckdb__cast_bool_to_text(field) %}cast({{ field }} as {{ dbt.type_string() }}){% endmacro %}
{% macro duckdb__array_construct(inputs, data_type) %}{% if inputs | length > 0 %}[{{ inputs | join(', ') }}]{% else %}cast([] as {{ data_type }}[]){% endif %}{% endmacro %}
{% macro duckdb__array_append(array, new_element) %}list_append({{ array }}, {{ new_element }}){% endmacro %}
{% macro duckdb__array_concat(array_1, array_2) %}list_concat({{ array_1 }}, {{ array_2 }}){% endmacro %}
{% macro duckdb__current_timestamp() %}now(){% endmacro %}
{% macro duckdb__current_timestamp_backcompat() %}current_timestamp::timestamp{% endmacro %}
{% macro duckdb__current_timestamp_in_utc_backcompat() %}(now() at time zone 'UTC'){% endmacro %}
{% macro duckdb__snapshot_get_time() %}now()::timestamp{% endmacro %}
{% macro duckdb__type_string() %}TEXT{% endmacro %}
{% macro duckdb__type_timestamp() %}TIMESTAMP{% endmacro %}
{% macro duckdb__type_float() %}FLOAT{% endmacro %}
{% macro duckdb__type_int() %}INT{% endmacro %}
{% macro duckdb__type_bigint() %}BIGINT{% endmacro %}
{% macro duckdb__type_boolean() %}BOOLEAN{% endmacro %}
{% macro duckdb__type_numeric() %}numeric(28,6){% endmacro %}
{% macro duckdb__date(year, month, day) %}make_date({{ year }}, {{ month }}, {{ day }}){% endmacro %}
{% macro duckdb__generate_series(upper_bound) %}select range + 1 as generated_number from range({{ upper_bound }}){% endmacro %}
{% macro duckdb__get_intervals_between(start_date, end_date, datepart) -%}
{%- call statement('get_intervals_between', fetch_result=True) %}select {{ dbt.datediff(start_date, end_date, datepart) }}{% endcall -%}
{%- set result = load_result('get_intervals_between') -%}
{{ return(result['data'][0][0] if result and result['data'] else 1) }}
{%- endmacro %}
{% macro duckdb__date_spine(datepart, start_date, end_date) -%}
select range as date_{{ datepart }} from range(cast({{ start_date }} as timestamp), cast({{ end_date }} as timestamp), interval 1 {{ datepart }})
{%- endmacro %}

{# dbt's defaults, which a project replaces by defining a macro of the same name (Dango's scaffold does). #}
{% macro generate_schema_name(custom_schema_name, node) -%}
{%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ target.schema }}_{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
{%- if custom_alias_name -%}{{ custom_alias_name | trim }}{%- else -%}{{ node.name }}{%- endif -%}
{%- endmacro %}
{% macro generate_database_name(custom_database_name=none, node=none) -%}
{%- if custom_database_name is none -%}{{ target.database }}{%- else -%}{{ custom_database_name | trim }}{%- endif -%}
{%- endmacro %}
{% macro should_full_refresh() %}{{ return(flags.FULL_REFRESH if config.get('full_refresh') is none else config.get('full_refresh')) }}{% endmacro %}
{% macro should_store_failures() %}{{ return(false) }}{% endmacro %}
{% macro get_where_subquery(relation) %}{{ return(relation) }}{% endmacro %}
{% macro set_sql_header(config) %}{% endmacro %}
`;

/** The Jinja source of dbt's global macros on DuckDB. */
export function duckdbMacroSource(): string {
  const publicMacros = Object.entries(DISPATCHED).map(([name, params]) => {
    // Parameter names: identifiers at the start of the list or after a comma (defaults may hold quoted commas).
    const args = [...params.matchAll(/(?:^|,)\s*([A-Za-z_]\w*)/g)].map((m) => m[1]).join(', ');
    return `{% macro ${name}(${params}) %}{{ return(adapter.dispatch('${name}', 'dbt')(${args})) }}{% endmacro %}`;
  });
  return `${publicMacros.join('\n')}\n${IMPLEMENTATIONS}`;
}
