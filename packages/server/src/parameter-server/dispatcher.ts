import { type RouterEndpoint, SHARED_CODEC, type SharedLane, type ShmTaskConfig } from '@starling/transport';
import type { Downlink } from '../downlink.js';
import type { ServerCommand } from '../round-types.js';
import type { TrafficMeter } from '../traffic.js';

type Dispatch = Extract<ServerCommand, { type: 'dispatch' }>;

/** A task's `config`: `{ shm }` when the host writes its Δs into the round's cross-process slot, else `{}`. */
function shmConfig(shm: ShmTaskConfig | null | undefined): { shm: ShmTaskConfig } | Record<string, never> {
  return shm ? { shm } : {};
}

/**
 * Sends a round's work: one `task` per connected host carrying selected nodes. Without a compressed
 * downlink the model is encoded once and broadcast raw; with one, each host gets the message that
 * brings its copy to x̂ (a chain of deltas or the full x̂). Downlink payload bytes are metered per round.
 * With a `lane` (the `threads` runtime's in-process host), a round whose mean streams gets a shared
 * reduction the host's pool threads add the Δs into (`SharedLane.openReduction`, `RoundStream.adopt`).
 */
export class Dispatcher {
  constructor(
    private readonly router: RouterEndpoint,
    private readonly meter: TrafficMeter,
    private readonly downlink: Downlink | undefined,
    private readonly control?: Float32Array,
    private readonly lane?: SharedLane,
  ) {}

  /**
   * Dispatches `cmd`; `ownerOf` maps a node to its host and `unreachable` is told, in node order,
   * of each selected node whose host is not connected (it fails at once).
   */
  dispatch(cmd: Dispatch, ownerOf: (node: number) => string | undefined, unreachable: (node: number) => void): void {
    this.router.setRound(cmd.round);
    const r = cmd.reduce;
    // processes: the round's model goes into the slot too (raw downlink only), read there by the hosts
    const inSlot = this.downlink ? undefined : cmd.model;
    const pre =
      r && this.lane?.openRoundReduction(cmd.round, cmd.nodes, r.weights, cmd.model.length, r.backend, inSlot);
    if (r && pre) r.adopt(pre);
    const byHost = new Map<string, number[]>();
    const connected = new Set(this.router.peers());
    for (const node of cmd.nodes) {
      const host = ownerOf(node);
      if (host === undefined || !connected.has(host)) {
        unreachable(node);
        continue;
      }
      const nodes = byHost.get(host);
      if (nodes) nodes.push(node);
      else byHost.set(host, [node]);
    }
    const task = (nodes: number[], model: 'full' | 'delta') => ({
      type: 'task' as const,
      round: cmd.round,
      node: -1,
      nodes,
      model,
      // processes on one machine: where the host's Δs go in the round's shared slot (ShmRounds)
      config: shmConfig(this.lane?.taskConfig(cmd.round, nodes)),
      deadlineMs: 0,
    });
    // SCAFFOLD's c goes after the model, a copy per dispatch (a send may read it after c moves on).
    const extra = this.control ? [{ name: 'control', data: this.control.slice() }] : [];
    const extraBytes = this.control?.byteLength ?? 0;
    if (this.downlink) {
      this.downlink.advance(cmd.round, cmd.model);
      for (const [peer, nodes] of byHost) {
        const msg = this.downlink.messageFor(peer);
        this.meter.down(cmd.round, msg.payloadBytes + extraBytes);
        const header = task(nodes, msg.kind);
        const tensors = [...msg.tensors, ...extra];
        if (!this.lane?.deliver(peer, header, tensors)) void this.router.send(peer, header, tensors);
      }
      return;
    }
    const tensors = [{ name: 'model', data: cmd.model }, ...extra];
    const targets = [...byHost].map(([peer, nodes]) => ({ peer, header: task(nodes, 'full') }));
    for (const _ of targets) this.meter.down(cmd.round, cmd.model.byteLength + extraBytes);
    // The in-process host (threads) takes its task by the lane; hosts elsewhere get the encoded broadcast,
    // except that a worker process with a place in the round's slot gets a reference to the model there.
    const remote = targets.filter((t) => !this.lane?.deliver(t.peer, t.header, tensors));
    const ref = this.lane?.modelReference(cmd.round);
    const bySlot = ref ? remote.filter((t) => 'shm' in t.header.config) : [];
    const byFrames = remote.filter((t) => !bySlot.includes(t));
    const refTensors = ref ? [{ name: 'model', data: ref, codec: SHARED_CODEC }, ...extra] : [];
    if (bySlot.length > 0) void this.router.broadcast(bySlot, refTensors);
    if (byFrames.length > 0) void this.router.broadcast(byFrames, tensors);
  }
}
