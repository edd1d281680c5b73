import { INTERRUPTED_EXIT_CODE } from '@starling/runner';

/** The signals that stop a run or a host: Ctrl-C and the polite kill. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Turns SIGINT and SIGTERM into an aborted `signal` (its `reason` is the signal's name) for the run to
 * stop cleanly; a second signal exits at once with code 130 (host processes of the `processes` runtime
 * are killed on the way out by the launcher's exit hook). A process started with an IPC channel (by
 * `starling sweep`) also stops when the channel closes: its parent is gone. `release` removes the handlers.
 */
export function stopOnSignals(): { readonly signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(INTERRUPTED_EXIT_CODE);
    process.stderr.write(`\nstarling: ${name} received, stopping the run (again to exit at once)\n`);
    controller.abort(name);
  };
  for (const s of STOP_SIGNALS) process.on(s, onSignal);
  // Started by `starling sweep` (an IPC channel): stop when the sweep goes away, even killed by SIGKILL.
  const onDisconnect = () => {
    if (!controller.signal.aborted) controller.abort('sweep gone');
  };
  if (process.send !== undefined) {
    // The sweep may have died while this process started: then the channel is already closed.
    if (!process.connected) onDisconnect();
    else {
      process.channel?.unref();
      process.once('disconnect', onDisconnect);
    }
  }
  return {
    signal: controller.signal,
    release: () => {
      for (const s of STOP_SIGNALS) process.off(s, onSignal);
      process.off('disconnect', onDisconnect);
    },
  };
}
