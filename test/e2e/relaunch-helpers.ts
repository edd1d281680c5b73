import { execFileSync } from 'node:child_process';

/** The pid of the host process `hostId` (`host-1`, ...) that the `processes` run with pid `parent` spawned, or null. */
export function hostPid(parent: number, hostId: string): number | null {
  let out = '';
  try {
    out = execFileSync('ps', ['--ppid', String(parent), '-o', 'pid=,args='], { encoding: 'utf8' });
  } catch {
    return null; // no children (yet)
  }
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (m && m[2]!.includes('host-entry.js') && m[2]!.includes(`"hostId":"${hostId}"`)) return Number(m[1]);
  }
  return null;
}
