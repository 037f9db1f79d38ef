import { DangoError } from '../errors';
import type { PlatformContext } from '../context';
import type { ModelInfo, SelectionOptions, StartedModelRun, TransformResult } from './types';

// PLACEHOLDER: replaced by the transform implementation (issue 4).
const todo = (): never => {
  throw new DangoError('INTERNAL', 'transform: not implemented yet');
};

/** The dbt-compatible transformation engine and its runs. */
export class TransformService {
  constructor(readonly ctx: PlatformContext) {}
  async listModels(): Promise<ModelInfo[]> { return []; }
  async runModel(_name: string, _options: { cascade?: boolean } = {}): Promise<TransformResult> { return todo(); }
  startModelRun(_name: string, _options: { cascade?: boolean } = {}): StartedModelRun { return todo(); }
  async run(_options: SelectionOptions = {}): Promise<TransformResult> { return todo(); }
  async test(_options: SelectionOptions = {}): Promise<TransformResult> { return todo(); }
  async seed(_options: SelectionOptions = {}): Promise<TransformResult> { return todo(); }
  async build(_options: SelectionOptions = {}): Promise<TransformResult> { return todo(); }
  async compile(_options: SelectionOptions = {}): Promise<TransformResult> { return todo(); }
  async generateDocs(): Promise<{ manifest: string; catalog: string }> { return todo(); }
  /** Called after a successful sync: generate staging models, then run downstream models when auto_dbt is on. */
  async afterSync(_source: string): Promise<void> {}
  async close(): Promise<void> {}
}
