import { consoleLine, consoleShows, type MetricsLine } from '@starling/runner';
import { SingleBar } from 'cli-progress';

/** Round progress: a bar on a TTY, one line per evaluated round otherwise (both on stderr). */
export interface Progress {
  /** A metrics line was written; `evaluated` when it carries a fresh evaluation. */
  update(line: MetricsLine, evaluated: boolean): void;
  stop(): void;
}

const fmt = (x: unknown, digits: number) => (typeof x === 'number' ? x.toFixed(digits) : '-');
/** Consensus error is tiny late in a run: scientific notation keeps its digits. */
const consensus = (line: MetricsLine) =>
  typeof line.consensus_error === 'number' ? ` consensus_error ${line.consensus_error.toExponential(3)}` : '';

/**
 * The progress display of a run of `total` rounds: nothing when not `enabled`; with `json` (or off a TTY)
 * one console line per evaluated round (test loss, accuracy and, for gossip runs, consensus error), as
 * text or pino JSON (see `setConsole`); a bar on a TTY. At `--log-level debug` every metrics line also
 * goes to the console at debug level.
 */
export function makeProgress(total: number, enabled: boolean, json = false): Progress {
  const debug = (line: MetricsLine) => {
    if (consoleShows('debug')) consoleLine('debug', line, `metrics ${JSON.stringify(line)}`, 'metrics line');
  };
  if (!enabled) return { update: debug, stop() {} };
  if (process.stderr.isTTY && !json) {
    const bar = new SingleBar({
      format: 'round {value}/{total} [{bar}] {percentage}% | loss {loss} | acc {acc}{cons} | eta {eta_formatted}',
      stream: process.stderr,
      hideCursor: true,
    });
    bar.start(total, 0, { loss: '-', acc: '-', cons: '' });
    return {
      update(line, evaluated) {
        if (!evaluated) return;
        const cons = typeof line.consensus_error === 'number' ? ` | cons ${line.consensus_error.toExponential(2)}` : '';
        bar.update(line.round + 1, { loss: fmt(line.test_loss, 4), acc: fmt(line.test_accuracy, 4), cons });
      },
      stop() {
        bar.stop();
      },
    };
  }
  return {
    update(line, evaluated) {
      debug(line);
      if (!evaluated) return;
      const fields = {
        round: line.round,
        rounds: total,
        test_loss: line.test_loss,
        test_accuracy: line.test_accuracy,
        ...(line.consensus_error === undefined ? {} : { consensus_error: line.consensus_error }),
      };
      const text = `round ${line.round + 1}/${total} test_loss ${fmt(line.test_loss, 4)} test_accuracy ${fmt(line.test_accuracy, 4)}${consensus(line)}`;
      consoleLine('info', fields, text);
    },
    stop() {},
  };
}
