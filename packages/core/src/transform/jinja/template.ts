import { Environment, parse, tokenize } from '@huggingface/jinja';
import { errorMessage } from '../../errors';
import { NeedsQuery } from './compile-queries';
import { define, jinjaFunction } from './jinja-values';
import { DbtInterpreter, fileOfError, problemNeedle, ReturnSignal } from './library-patches';
import { locateRuntimeError } from './locate-runtime-error';
import { locateSyntaxError } from './locate-syntax-error';
import { preprocess, RAW_FUNCTION } from './preprocess';
import { lineOf, TemplateError } from './template-error';

type Program = ReturnType<typeof parse>;

/** A parsed template, ready to render many times. */
export interface CompiledTemplate {
  /** Path relative to the dbt folder, for messages. */
  file: string;
  source: string;
  program: Program;
  raws: string[];
}

/** Parses a template; a syntax error names the file and the line. */
export function compileTemplate(source: string, file: string): CompiledTemplate {
  const pre = preprocess(source);
  try {
    return { file, source, program: parse(tokenize(pre.source)), raws: pre.raws };
  } catch (err) {
    const located = locateSyntaxError(pre.source);
    throw new TemplateError(file, located?.line ?? null, located?.problem ?? errorMessage(err));
  }
}

/** Runs a template's top level in `env` (defining its macros there) and returns its output. */
export function renderTemplate(template: CompiledTemplate, env: Environment, calledFrom?: string): string {
  if (template.raws.length) define(env, RAW_FUNCTION, jinjaFunction(({ args }) => template.raws[Number(args[0])] ?? ''));
  try {
    return String(new DbtInterpreter(env, template).run(template.program).value);
  } catch (err) {
    if (err instanceof ReturnSignal) return String(err.value?.value ?? '');
    if (err instanceof NeedsQuery) throw err;
    const inner = fileOfError(err);
    if (inner) {
      if (inner.file === template.file || inner.calledFrom) throw inner;
      throw new TemplateError(inner.file, inner.line, inner.problem, calledFrom ?? template.file);
    }
    const problem = errorMessage(err);
    const line = lineOf(template.source, problemNeedle(problem) ?? '') ?? locateRuntimeError(template.source, problem, (prefix) => {
      const pre = preprocess(prefix);
      new DbtInterpreter(new Environment(env), { ...template, raws: pre.raws }).run(parse(tokenize(pre.source)));
    });
    throw new TemplateError(template.file, line, problem);
  }
}
