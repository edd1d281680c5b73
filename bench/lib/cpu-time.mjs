// CPU time of this process and of child processes, for load-independent cost figures in the
// transport suite: on a busy shared machine wall-clock throughput moves with other people's work, the
// CPU seconds a job consumes much less.
import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds used so far by all threads of process `pid` (Linux /proc schedstat, ns), or 0 if gone. */
function childSeconds(pid) {
  let ns = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    }
  } catch {
    return 0;
  }
  return ns / 1e9;
}

/** True where the per-thread schedstat counters exist (Linux); elsewhere the suite reports no CPU. */
export const CPU_TIME_AVAILABLE = (() => {
  try {
    readFileSync(`/proc/${process.pid}/schedstat`, 'utf8');
    return true;
  } catch {
    return false;
  }
})();

/** CPU seconds of this process (every thread, ZeroMQ's I/O thread included) plus the given children. */
export function cpuSeconds(childPids) {
  const { user, system } = process.cpuUsage();
  let s = (user + system) / 1e6;
  for (const pid of childPids) s += childSeconds(pid);
  return s;
}
