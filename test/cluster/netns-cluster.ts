import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { repo } from '../cli/cli-helpers.js';
import { deleteNamespace, must, NETNS_PREFIX, pickSubnet, removeStaleNamespaces, sh } from './netns.js';

/** A `tc ... tbf` cap: `rate` e.g. `20mbit`, `burst` e.g. `32kbit`, `latency` (queueing bound) e.g. `400ms`. */
export interface LinkCap {
  readonly rate: string;
  readonly burst: string;
  readonly latency: string;
}

/** A process started inside a machine, with its output collected. */
export interface Started {
  readonly child: ChildProcess;
  out(): string;
  err(): string;
  readonly exit: Promise<number | null>;
}

/** Counters of a link's root qdisc (`tc -s qdisc show`). */
export interface QdiscStats {
  readonly kind: string;
  readonly bytes: number;
  readonly overlimits: number;
  readonly drops: number;
}

interface Machine {
  readonly ns: string;
  readonly port: string;
  readonly address: string;
}

const live = new Set<NetnsCluster>();
let seq = 0;
let hooked = false;

const destroyAll = () => {
  for (const c of live) c.destroy();
};

/** Cleans up on a signal (vitest ends its fork workers with SIGTERM), then dies of it as it would have. */
function onSignal(signal: NodeJS.Signals): void {
  destroyAll();
  process.removeListener(signal, onSignal);
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

/** Whatever ends the test process, its namespaces and the processes in them go with it. */
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', destroyAll);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, onSignal);
}

/**
 * Machines on one private /24, each a network namespace with `lo` up and an `eth0` plugged into a bridge
 * in a switch namespace. Built by {@link NetnsCluster.create}; {@link NetnsCluster.destroy} (also run on
 * process exit) kills what was started inside and deletes every namespace it made, and nothing else.
 */
export class NetnsCluster {
  private readonly machines = new Map<string, Machine>();
  private readonly children = new Set<ChildProcess>();
  private readonly created: string[] = [];

  private constructor(
    readonly subnet: string,
    private readonly switchNs: string,
  ) {}

  /** Makes one machine per label (addresses .1, .2, ... in label order), after removing stale namespaces. */
  static create(labels: readonly string[]): NetnsCluster {
    removeStaleNamespaces();
    hookExit();
    const base = `${NETNS_PREFIX}${process.pid}-${seq++}`;
    const subnet = pickSubnet(process.pid);
    const cluster = new NetnsCluster(subnet, `${base}-switch`);
    live.add(cluster);
    try {
      cluster.build(base, labels);
    } catch (e) {
      cluster.destroy();
      throw e;
    }
    return cluster;
  }

  private addNs(ns: string): void {
    must('ip', ['netns', 'add', ns]);
    this.created.push(ns);
    must('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  }

  private build(base: string, labels: readonly string[]): void {
    const sw = this.switchNs;
    this.addNs(sw);
    must('ip', ['-n', sw, 'link', 'add', 'br0', 'type', 'bridge']);
    must('ip', ['-n', sw, 'link', 'set', 'br0', 'up']);
    const net = this.subnet.split('.').slice(0, 3).join('.');
    labels.forEach((label, i) => {
      const m: Machine = { ns: `${base}-${label}`, port: `p${i}`, address: `${net}.${i + 1}` };
      this.addNs(m.ns);
      must('ip', ['-n', sw, 'link', 'add', m.port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', m.ns]);
      must('ip', ['-n', sw, 'link', 'set', m.port, 'master', 'br0', 'up']);
      must('ip', ['-n', m.ns, 'addr', 'add', `${m.address}/24`, 'dev', 'eth0']);
      must('ip', ['-n', m.ns, 'link', 'set', 'eth0', 'up']);
      this.machines.set(label, m);
    });
    for (const m of this.machines.values()) {
      const detail = must('ip', ['-n', sw, '-d', 'link', 'show', m.port]);
      if (!detail.includes('state forwarding')) throw new Error(`bridge port ${m.port} is not forwarding: ${detail}`);
    }
  }

  private machine(label: string): Machine {
    const m = this.machines.get(label);
    if (!m) throw new Error(`no machine "${label}" (have ${[...this.machines.keys()].join(', ')})`);
    return m;
  }

  /** The machine's IPv4 address. */
  address(label: string): string {
    return this.machine(label).address;
  }

  /** Every namespace this cluster made (machines and the switch), including deleted ones. */
  namespaces(): readonly string[] {
    return [...this.created];
  }

  /** Caps the machine's link in both directions: tbf on its `eth0` (uplink) and on its switch port (downlink). */
  cap(label: string, c: LinkCap): void {
    const m = this.machine(label);
    const tbf = ['root', 'tbf', 'rate', c.rate, 'burst', c.burst, 'latency', c.latency];
    must('tc', ['-n', m.ns, 'qdisc', 'replace', 'dev', 'eth0', ...tbf]);
    must('tc', ['-n', this.switchNs, 'qdisc', 'replace', 'dev', m.port, ...tbf]);
  }

  /** Removes a {@link cap} (no-op when there is none). */
  uncap(label: string): void {
    const m = this.machine(label);
    sh('tc', ['-n', m.ns, 'qdisc', 'del', 'dev', 'eth0', 'root']);
    sh('tc', ['-n', this.switchNs, 'qdisc', 'del', 'dev', m.port, 'root']);
  }

  /** Bytes the machine's `eth0` has received and sent so far (the kernel's link counters). */
  linkBytes(label: string): { rx: number; tx: number } {
    const out = must('ip', ['-j', '-s', '-n', this.machine(label).ns, 'link', 'show', 'dev', 'eth0']);
    const stats = JSON.parse(out)[0].stats64;
    return { rx: stats.rx.bytes, tx: stats.tx.bytes };
  }

  /** What the tbf of a {@link cap} did on each end: packets it held back (`overlimits`), dropped and sent. */
  capStats(label: string): { uplink: QdiscStats; downlink: QdiscStats } {
    const m = this.machine(label);
    const read = (ns: string, dev: string): QdiscStats => {
      const q = JSON.parse(must('tc', ['-s', '-j', '-n', ns, 'qdisc', 'show', 'dev', dev]))[0];
      return { kind: q.kind, bytes: q.bytes, overlimits: q.overlimits, drops: q.drops };
    };
    return { uplink: read(m.ns, 'eth0'), downlink: read(this.switchNs, m.port) };
  }

  /** Starts `command args` inside the machine (`ip netns exec`), from the repository root. */
  spawn(label: string, command: string, args: readonly string[], env: Record<string, string> = {}): Started {
    const child = spawn('ip', ['netns', 'exec', this.machine(label).ns, command, ...args], {
      cwd: repo,
      env: { ...process.env, ...env },
    });
    this.children.add(child);
    let out = '';
    let err = '';
    child.stdout?.on('data', (d) => (out += d));
    child.stderr?.on('data', (d) => (err += d));
    const exit = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => {
        this.children.delete(child);
        resolve(code);
      }),
    );
    return { child, out: () => out, err: () => err, exit };
  }

  /** Starts the built `starling` CLI inside the machine, with the JS kernels (bits match on every CPU). */
  starling(label: string, args: readonly string[]): Started {
    const bin = join(repo, 'packages/cli/bin/starling.js');
    return this.spawn(label, process.execPath, [bin, ...args], { STARLING_KERNELS: 'js' });
  }

  /** Kills every process started here and deletes every namespace made here. Safe to call twice. */
  destroy(): void {
    for (const child of this.children) child.kill('SIGKILL');
    this.children.clear();
    for (const ns of this.created) deleteNamespace(ns);
    live.delete(this);
  }
}
