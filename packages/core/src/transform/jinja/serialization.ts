import type { Environment } from '@huggingface/jinja';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { define, jinjaFunction } from './jinja-values';

/** JSON text as Python's `json.dumps` writes it by default (`", "` and `": "` separators), which dbt's `tojson` returns. */
export function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Registers dbt's `tojson`, `fromjson`, `toyaml` and `fromyaml` context functions (with dbt's optional `default`). */
export function defineSerialization(env: Environment): void {
  const parsing = (name: string, parseText: (text: string) => unknown) =>
    jinjaFunction(({ args, kwargs }) => {
      try {
        return parseText(String(args[0]));
      } catch (err) {
        if (args.length > 1 || 'default' in kwargs) return args.length > 1 ? args[1] : kwargs.default;
        throw new Error(`${name}(): ${(err as Error).message}`);
      }
    });
  define(env, 'tojson', jinjaFunction(({ args }) => pythonJson(args[0])));
  define(env, 'fromjson', parsing('fromjson', (t) => JSON.parse(t)));
  define(env, 'toyaml', jinjaFunction(({ args }) => stringifyYaml(args[0])));
  define(env, 'fromyaml', parsing('fromyaml', (t) => parseYaml(t)));
}
