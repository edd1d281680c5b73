import type { RoundGate } from '@starling/core';

/**
 * The nodes each round of a run with `systems:` dispatches: the drawn nodes minus those offline when the
 * round opens. The gate decides from virtual time alone (profiles, planned work, payload sizes), never
 * from arrival order, so replaying it with every dispatched node answering an update of `upBytes(node)` bytes gives
 * the offline sets of a real run without failures. A compressed downlink is timed with the gate's own
 * (untrained) downlink sizes, so there the replay's clock, and the offline sets that depend on it, are
 * approximate. `gate` is advanced: pass a fresh one (the planning run's).
 */
export function dispatchedPerRound(
  gate: RoundGate,
  selected: readonly number[][],
  upBytes: (node: number) => number,
): number[][] {
  return selected.map((nodes, round) => {
    const offline = new Set(gate.open(round, nodes).offline);
    const sent = nodes.filter((n) => !offline.has(n));
    for (const n of sent) gate.answer(n, true, upBytes(n));
    gate.close();
    return sent;
  });
}
