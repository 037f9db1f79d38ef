import type { CliIo } from './io';

/**
 * Progress lines: on a live terminal each update redraws one line in place; otherwise (pipes, CI)
 * every update is its own plain line, so logs stay readable.
 */
export class Progress {
  private drawn = false;

  constructor(private readonly io: CliIo) {}

  /** Shows a transient progress update. */
  update(text: string): void {
    if (!this.io.live) {
      this.io.out(text);
      return;
    }
    this.io.write(`\r\x1b[K${text}`);
    this.drawn = true;
  }

  /** Prints a line that stays, replacing any transient update. */
  line(text: string): void {
    this.clear();
    this.io.out(text);
  }

  /** Removes the transient update, if one is drawn. */
  clear(): void {
    if (this.drawn) this.io.write('\r\x1b[K');
    this.drawn = false;
  }
}
