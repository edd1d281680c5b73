/**
 * Which nodes of a worker host are training a round and which answered it since the link to the server
 * last dropped. A task the server sends again (after it lost and regained this host) is trained only for
 * the nodes that neither train nor answered it; after a drop the answers are forgotten, since updates
 * sent before it may not have arrived.
 */
export class RoundAnswers {
  private readonly training = new Map<number, number>();
  private readonly answered = new Map<number, number>();

  /** The nodes of a task for `round` that still need training, in the given order. */
  pending(round: number, nodes: readonly number[]): number[] {
    return nodes.filter((n) => this.training.get(n) !== round && this.answered.get(n) !== round);
  }

  /** `nodes` start training `round`. */
  start(round: number, nodes: readonly number[]): void {
    for (const n of nodes) this.training.set(n, round);
  }

  /** `nodes` answered `round` (an update or an error is queued): a repeated task for it is skipped. */
  answer(round: number, nodes: readonly number[]): void {
    for (const n of nodes) {
      if (this.training.get(n) === round) this.training.delete(n);
      this.answered.set(n, round);
    }
  }

  /** The link to the server dropped: answers sent before it may be lost, so they count no more. */
  linkDropped(): void {
    this.answered.clear();
  }
}
