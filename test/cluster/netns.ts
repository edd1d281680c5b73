import { spawnSync } from 'node:child_process';

/**
 * Network namespaces for multi-host tests: each "machine" is a namespace with its own `eth0` and a
 * private address, all plugged into a bridge that lives in a namespace of its own (the "switch"), so
 * nothing is created in the host's namespace and deleting the namespaces removes every link with them.
 * Names are `starling-nt-<pid>-<seq>-<label>`: the pid lets a later run remove what a crashed one left.
 */
export const NETNS_PREFIX = 'starling-nt-';

/** Runs `ip ...` (or `tc ...`), returning its outcome instead of throwing. */
export function sh(command: 'ip' | 'tc', args: readonly string[]) {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  const error = r.error?.message ?? '';
  return { ok: r.status === 0, out: r.stdout ?? '', err: `${r.stderr ?? ''}${error}`.trim() };
}

/** Runs `ip ...` / `tc ...` and throws with its stderr when it fails. */
export function must(command: 'ip' | 'tc', args: readonly string[]): string {
  const r = sh(command, args);
  if (!r.ok) throw new Error(`${command} ${args.join(' ')} failed: ${r.err}`);
  return r.out;
}

/** The namespaces that exist now (`ip netns list`), by name. */
export function listNamespaces(): string[] {
  const r = sh('ip', ['netns', 'list']);
  if (!r.ok) return [];
  return r.out
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0])
    .filter(Boolean);
}

/** Deletes one namespace after killing the processes still inside it (they were started there by us). */
export function deleteNamespace(ns: string): void {
  const pids = sh('ip', ['netns', 'pids', ns]).out.split(/\s+/).filter(Boolean).map(Number);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  sh('ip', ['netns', 'del', ns]);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Removes namespaces with {@link NETNS_PREFIX} whose creating process is gone (a run killed before its
 * cleanup). Namespaces of live processes, and every other namespace, are left alone. Returns the removed names.
 */
export function removeStaleNamespaces(): string[] {
  const removed: string[] = [];
  for (const ns of listNamespaces()) {
    const m = ns.startsWith(NETNS_PREFIX) ? /^(\d+)-/.exec(ns.slice(NETNS_PREFIX.length)) : null;
    if (!m || alive(Number(m[1]))) continue;
    deleteNamespace(ns);
    removed.push(ns);
  }
  return removed;
}

/** An IPv4 prefix as [network as a 32-bit number, prefix length]. */
function parseCidr(cidr: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)(?:\/(\d+))?$/.exec(cidr);
  if (!m) return undefined;
  const ip = m.slice(1, 5).reduce((a, o) => a * 256 + Number(o), 0);
  return [ip, m[5] === undefined ? 32 : Number(m[5])];
}

/** Whether two IPv4 prefixes (`a.b.c.d/len`) share any address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const pa = parseCidr(a);
  const pb = parseCidr(b);
  if (!pa || !pb) return false;
  const len = Math.min(pa[1], pb[1]);
  const block = 2 ** (32 - len);
  return Math.floor(pa[0] / block) === Math.floor(pb[0] / block);
}

/** The IPv4 prefixes the host's own namespace routes or holds (default routes left out). */
export function hostPrefixes(): string[] {
  const routes = sh('ip', ['-4', '-o', 'route', 'show', 'table', 'all']).out.split('\n');
  const addrs = sh('ip', ['-4', '-o', 'addr', 'show']).out.split('\n');
  const fromRoutes = routes
    .map((l) => l.trim().split(/\s+/))
    .map((w) => (w[0] === 'local' || w[0] === 'broadcast' ? w[1] : w[0]));
  const fromAddrs = addrs.map((l) => /inet (\S+)/.exec(l)?.[1]);
  return [...fromRoutes, ...fromAddrs].filter((p): p is string => !!p && parseCidr(p) !== undefined);
}

/**
 * A /24 in 10.213.0.0/16 that overlaps nothing the host routes, starting at `seed` (the pid spreads
 * concurrent runs, though each run's addresses only exist inside its own namespaces anyway).
 */
export function pickSubnet(seed: number, taken: readonly string[] = hostPrefixes()): string {
  for (let i = 0; i < 256; i++) {
    const subnet = `10.213.${(seed + i) % 256}.0/24`;
    if (!taken.some((p) => cidrsOverlap(p, subnet))) return subnet;
  }
  throw new Error('every 10.213.X.0/24 overlaps a route of this host');
}

/** Why namespaces, veth links, a bridge or a tbf qdisc cannot be made here, or '' when they can. */
export function netnsUnavailable(): string {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  const ns = `${NETNS_PREFIX}${process.pid}-probe`;
  const steps: ['ip' | 'tc', string[]][] = [
    ['ip', ['netns', 'add', ns]],
    ['ip', ['-n', ns, 'link', 'add', 'br0', 'type', 'bridge']],
    ['ip', ['-n', ns, 'link', 'add', 'a0', 'type', 'veth', 'peer', 'name', 'b0']],
    [
      'tc',
      ['-n', ns, 'qdisc', 'add', 'dev', 'a0', 'root', 'tbf', 'rate', '1mbit', 'burst', '32kbit', 'latency', '100ms'],
    ],
  ];
  try {
    for (const [cmd, args] of steps) {
      const r = sh(cmd, args);
      if (!r.ok) return `\`${cmd} ${args.join(' ')}\` failed: ${r.err || 'no output'}`;
    }
    return '';
  } finally {
    sh('ip', ['netns', 'del', ns]);
  }
}
