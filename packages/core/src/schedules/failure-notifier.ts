import type { PlatformContext } from '../context';
import { errorMessage } from '../errors';
import type { Unsubscribe } from '../event-bus';
import type { DangoEventMap } from '../events';
import { createRedactor, secretValues } from '../sources/secrets';

/** A webhook that does not answer within this time is given up on (the sync is long over). */
export const NOTIFY_TIMEOUT_MS = 10_000;

/** The JSON posted to a source's `notify` webhook; `text` makes it a Slack (and Mattermost, Teams workflow) message as it is. */
export interface FailureNotice {
  text: string;
  project: string;
  source: string;
  /** The sync's error, with the source's secrets replaced by `********`. */
  error: string;
  /** When the sync failed (ISO 8601 UTC). */
  timestamp: string;
  /** True when a schedule started the sync; `attempts` then counts its tries (retries included). */
  scheduled: boolean;
  attempts?: number;
}

/** A failed post in words: fetch's own "fetch failed" says nothing, its cause's code (ECONNREFUSED) does; the cause's text may hold the URL. */
function fetchFailure(err: unknown): string {
  const code = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof code === 'string' ? `${errorMessage(err)} (${code})` : errorMessage(err);
}

/** What the notifier asks the scheduler: whether a failure is final, and how many attempts a scheduled run made. */
export interface NotifyPolicy {
  willRetry(source: string): boolean;
  attemptsOf(source: string): number | null;
}

/**
 * Posts a short JSON message to the webhook named by a source's `notify.webhook_url_env` whenever a
 * sync of it fails for good (a scheduled attempt that will be retried is not reported). A webhook that
 * is unset, unreachable or answers an error costs a WARNING line, never the sync.
 */
export class FailureNotifier {
  private readonly posts = new Set<Promise<void>>();
  private readonly unsubscribe: Unsubscribe;

  constructor(
    private readonly ctx: PlatformContext,
    private readonly policy: NotifyPolicy,
  ) {
    this.unsubscribe = ctx.events.on('sync_failed', (event) => this.onFailure(event));
  }

  private onFailure(event: DangoEventMap['sync_failed']): void {
    const source = this.ctx.config.sources.find((s) => s.name === event.source);
    const variable = source?.notify?.webhook_url_env;
    if (!source || !variable || this.policy.willRetry(source.name)) return;
    const url = this.ctx.env[variable];
    if (!url) {
      this.warn(source.name, `environment variable ${variable} (named by ${source.name}.notify.webhook_url_env) is not set`);
      return;
    }
    const attempts = this.policy.attemptsOf(source.name);
    const redact = createRedactor(secretValues(source, this.ctx.env));
    const error = redact(event.error);
    const notice: FailureNotice = {
      text: `Dango: sync of '${source.name}' failed${attempts && attempts > 1 ? ` after ${attempts} attempts` : ''} (project ${this.ctx.config.project.name}): ${error}`,
      project: this.ctx.config.project.name,
      source: source.name,
      error,
      timestamp: event.timestamp,
      scheduled: attempts !== null,
      ...(attempts !== null ? { attempts } : {}),
    };
    const post = this.post(url, notice)
      .catch((err) => this.warn(source.name, redact(fetchFailure(err))))
      .finally(() => this.posts.delete(post));
    this.posts.add(post);
  }

  private async post(url: string, notice: FailureNotice): Promise<void> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(notice),
      signal: AbortSignal.timeout(NOTIFY_TIMEOUT_MS),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new Error(`the webhook answered HTTP ${res.status}`);
  }

  private warn(source: string, why: string): void {
    this.ctx.emit('log', { level: 'WARNING', source, message: `Failure notification for ${source} not sent: ${why}` });
  }

  /** Stops listening and waits for the posts under way (each ends within NOTIFY_TIMEOUT_MS). */
  async close(): Promise<void> {
    this.unsubscribe();
    while (this.posts.size > 0) await Promise.allSettled([...this.posts]);
  }
}
