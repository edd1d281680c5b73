/** One line of `metrics.jsonl`. Fields are never renamed; later features add fields. */
export interface MetricsLine {
  round: number;
  /** Wall seconds since the run started (the only timing field). */
  time_s: number;
  train_loss: number | null;
  test_loss: number | null;
  test_accuracy: number | null;
  bytes_up: number;
  bytes_down: number;
  epsilon: number | null;
  [extra: string]: unknown;
}
