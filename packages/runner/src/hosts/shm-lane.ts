import { loadShm } from '@starling/native';
import { SharedLane, ShmRounds } from '@starling/transport';

/** Whether process `pid` still exists (a zombie or a stopped process counts as alive). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * The `processes` runtime's lane: a `SharedLane` over cross-process round slots (`ShmRounds`, a memfd the
 * launcher hands to every worker process), so the worker processes' pool threads write their Δs into
 * shared memory and add them into the server's float64 accumulator in node-id order, and updates carry
 * 12-byte references. Undefined when the shared-memory addon is missing (not Linux, not built) or
 * `enabled` is false: updates then travel as frames, as before (docs/runtimes.md "Processes: the shared
 * reduction").
 */
export function crossProcessLane(enabled = true): SharedLane | undefined {
  const addon = enabled ? loadShm().addon : null;
  if (!addon) return undefined;
  try {
    return new SharedLane(new ShmRounds(addon, alive));
  } catch {
    return undefined; // no memfd (e.g. seccomp): the exact path over sockets
  }
}
