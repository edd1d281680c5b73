/**
 * After SIGINT/SIGTERM, how long (ms) a run over sockets lets its open round close before it stops:
 * the round that closes in time is recorded and checkpointed (`Checkpointing.interrupt`), so
 * `starling resume` continues from it. A round still open after the grace is abandoned and the run
 * keeps its last periodic checkpoint. A second Ctrl-C exits at once (the CLI's handler). Inline runs
 * need no grace: they stop after the round in progress.
 */
export const INTERRUPT_GRACE_MS = 10_000;
