import type { Environment } from '@huggingface/jinja';

/** The callee of a call expression or `{% call %}` block, as the library's AST holds it. */
export interface CalleeNode {
  type: string;
  value?: string;
  object?: CalleeNode;
  property?: { value?: string };
}

/** dbt builtins that run queries or introspect the warehouse while compiling, which the embedded engine cannot do. */
const QUERYING = new Set(['run_query', 'statement', 'load_result', 'get_relation', 'get_columns_in_relation', 'load_relation', 'load_cached_relation', 'create']);

const ENGINE_HINT = "use platform.transform_engine: dbt for projects that need it";

/** The message for a builtin that would query the warehouse while compiling. */
export function queryingUnsupported(name: string): string {
  return `'${name}' is not supported by Dango's embedded dbt engine (it does not query the warehouse while compiling); ${ENGINE_HINT}`;
}

/** `a.b.c` for a callee (`?` for parts that are not plain names). */
export function calleePath(node: CalleeNode | undefined): string {
  if (!node) return '?';
  if (node.type === 'Identifier') return String(node.value);
  if (node.type === 'MemberExpression') return `${calleePath(node.object)}.${node.property?.value ?? '?'}`;
  return node.type;
}

/**
 * Why calling `callee` failed, in words a dbt user acts on: a missing dbt package (`dbt_utils.star`),
 * a builtin that needs the warehouse while compiling (`run_query`, `{% call statement %}`), dbt's
 * cross-database `dbt.*` macros, `modules.*` / `adapter.*` methods, or a plain unknown name.
 */
export function unsupportedCallMessage(callee: CalleeNode | undefined, env: Environment): string {
  const path = calleePath(callee);
  const root = path.split('.')[0]!;
  const last = path.split('.').at(-1)!;
  let rootNode = callee;
  while (rootNode?.type === 'MemberExpression') rootNode = rootNode.object;
  if (rootNode && rootNode.type !== 'Identifier') {
    const kind = ({ StringLiteral: 'a string', ArrayLiteral: 'a list', ObjectLiteral: 'a dict' } as Record<string, string>)[rootNode.type] ?? 'this value';
    return `the method '${last}()' is not available on ${kind} in Dango's Jinja (the template library implements a subset of Python's methods)`;
  }
  const rootDefined = env.lookupVariable(root).type !== 'UndefinedValue';
  if (QUERYING.has(last) && (path === last || ['adapter', 'api', 'dbt'].includes(root))) return queryingUnsupported(path);
  if (root === 'modules') return `'${path}' is not available in Dango's embedded dbt engine (its modules are datetime, pytz, re and itertools); ${ENGINE_HINT}`;
  if (root === 'adapter') return `'${path}': this adapter method is not available in Dango's embedded dbt engine; ${ENGINE_HINT}`;
  if (root === 'dbt' && path !== root) {
    return `dbt's built-in macro '${path}' is not available in Dango's embedded dbt engine; write the SQL directly or define a macro named '${last}' in macros/`;
  }
  if (path !== root && !rootDefined) {
    return `'${path}': '${root}' is undefined (not a macro or an installed package); if it is a dbt package, add it to packages.yml and run \`dango deps\``;
  }
  return `'${path}' is undefined (not a function or macro)`;
}
