import type { StreamingQueryProgress } from '@sluice/core';

/**
 * The live progress line in a terminal: one line, rewritten in place as batches complete
 * (`\r` + erase), naming the query that moved last. Only used when stderr is a TTY; piped
 * output gets JSON log lines instead.
 */
export class ProgressLine {
  private shown = false;

  constructor(private readonly out: NodeJS.WriteStream) {}

  update(progress: StreamingQueryProgress, status: string): void {
    const rate = (v: number | undefined) => (v === undefined ? '–' : v >= 10_000 ? `${(v / 1000).toFixed(1)}k` : v.toFixed(v >= 100 ? 0 : 1));
    const text = `${progress.name ?? progress.id.slice(0, 8)}  batch ${progress.batchId}  ${progress.numInputRows} rows  in ${rate(progress.inputRowsPerSecond)}/s  processed ${rate(progress.processedRowsPerSecond)}/s  ${progress.batchDuration} ms  · ${status}`;
    const width = this.out.columns ?? 120;
    this.out.write(`\r\x1b[K${text.length > width - 1 ? `${text.slice(0, width - 2)}…` : text}`);
    this.shown = true;
  }

  /** End the line so that the next output starts on its own line. */
  done(): void {
    if (this.shown) this.out.write('\n');
    this.shown = false;
  }
}
