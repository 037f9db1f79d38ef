import { DangoError } from '../errors';
import type { PlatformContext } from '../context';
import type {
  CsvFilesListing, DeleteFileResult, HistoryEntry, SourceDetails, SourceSummary, StartedSync, SyncOptions, SyncResult, UploadInput, UploadResult,
} from './types';

// PLACEHOLDER: replaced by the sources implementation (issue 2, section 5).
const todo = (): never => {
  throw new DangoError('INTERNAL', 'sources: not implemented yet');
};

/** What the sources module calls back into the platform for. */
export interface SourceHooks {
  /** Runs after a successful sync (staging generation, downstream models); its errors never fail the sync. */
  afterSync(source: string, result: SyncResult): Promise<void>;
}

/** Sources: listing, sync runs, history, and the files of file-based sources. */
export class SourceService {
  constructor(readonly ctx: PlatformContext, readonly hooks: SourceHooks) {}
  async list(): Promise<SourceSummary[]> { return todo(); }
  async details(_name: string): Promise<SourceDetails> { return todo(); }
  async history(_name: string): Promise<HistoryEntry[]> { return todo(); }
  async sync(_name: string, _options: SyncOptions = {}): Promise<SyncResult> { return todo(); }
  startSync(_name: string, _options: SyncOptions = {}): StartedSync { return todo(); }
  isSyncing(_name: string): boolean { return false; }
  async listFiles(_name: string): Promise<CsvFilesListing> { return todo(); }
  async uploadFile(_name: string, _file: UploadInput, _options: { triggerSync?: boolean } = {}): Promise<UploadResult> { return todo(); }
  async deleteFile(_name: string, _filePath: string): Promise<DeleteFileResult> { return todo(); }
  /** Resolves when every running sync has finished. */
  async close(): Promise<void> {}
}
