import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { NodeResult } from '../types';
import { writeJsonAtomic } from '../../files';

/** The last run of one model, as kept in `.dango/state/models.json`. */
export interface ModelRunState {
  status: 'success' | 'error' | 'skipped';
  last_run: string;
  execution_time: number;
  error: string | null;
}

/** Per-model status and last run, persisted so `GET /api/dbt/models` survives restarts. */
export class ModelStateStore {
  private readonly file: string;
  private models: Record<string, ModelRunState> | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(stateDir: string) {
    this.file = path.join(stateDir, 'models.json');
  }

  /** The recorded state of every model that ever ran. */
  all(): Record<string, ModelRunState> {
    if (!this.models) {
      try {
        const doc = JSON.parse(readFileSync(this.file, 'utf8')) as { models?: Record<string, ModelRunState> };
        this.models = doc.models && typeof doc.models === 'object' ? doc.models : {};
      } catch {
        // No file yet (or an unreadable one): no model has a recorded run.
        this.models = {};
      }
    }
    return this.models;
  }

  /** Records the model and seed results of a run and saves the file. */
  async record(results: NodeResult[], at: string): Promise<void> {
    const models = this.all();
    for (const r of results) {
      if (r.resource_type === 'test' || r.resource_type === 'unit_test') continue;
      const status = r.status === 'success' || r.status === 'error' || r.status === 'skipped' ? r.status : 'error';
      models[r.name] = { status, last_run: at, execution_time: r.execution_time, error: status === 'success' ? null : r.message };
    }
    const snapshot = { version: 1, models };
    this.writing = this.writing.then(() => writeJsonAtomic(this.file, snapshot));
    await this.writing;
  }
}
