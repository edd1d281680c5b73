import { SingleBar } from 'cli-progress';

/** Round progress: a bar on a TTY, one plain line per evaluated round otherwise (both on stderr). */
export interface Progress {
  update(round: number, fields: { loss: number | null; accuracy: number | null }): void;
  stop(): void;
}

const fmt = (x: number | null, digits: number) => (x === null ? '-' : x.toFixed(digits));

export function makeProgress(total: number, enabled: boolean): Progress {
  if (!enabled) return { update() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: 'round {value}/{total} [{bar}] {percentage}% | loss {loss} | acc {acc} | eta {eta_formatted}',
      stream: process.stderr,
      hideCursor: true,
    });
    bar.start(total, 0, { loss: '-', acc: '-' });
    return {
      update(round, f) {
        bar.update(round + 1, { loss: fmt(f.loss, 4), acc: fmt(f.accuracy, 4) });
      },
      stop() {
        bar.stop();
      },
    };
  }
  return {
    update(round, f) {
      process.stderr.write(
        `round ${round + 1}/${total} test_loss ${fmt(f.loss, 4)} test_accuracy ${fmt(f.accuracy, 4)}\n`,
      );
    },
    stop() {},
  };
}
