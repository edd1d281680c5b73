import type { CompressorState, Kernels, OptimizerMemory } from '@starling/core';
import type { InlineClients } from '@starling/server';
import { compressesUplink, type NodeUplink, nodeUplink, ScaffoldClients, VirtualClients } from '@starling/worker';
import type { PreparedFederated } from './prepare.js';

/** One node's persistent state in a checkpoint: optimizer memory and uplink compressor state. */
export type NodeCheckpoint = {
  readonly id: number;
  readonly step: number;
  /** Optimizer vectors (momentum, Adam moments), null for a stateless optimizer or before a step. */
  readonly slots: Float32Array[] | null;
  /** Uplink compressor state (error-feedback memory, PowerSGD warm start), null without one. */
  readonly up: CompressorState | null;
  /** SCAFFOLD's client control variate c_i (absent for other algorithms and clients that never took part). */
  readonly control?: Float32Array;
};

/**
 * The nodes of an inline parameter-server run: the registered clients (`VirtualClients`) and each
 * node's uplink compressor, which lives from the node's first round to the end, as on a worker host.
 * `state`/`load` checkpoint what the nodes carry between rounds.
 */
export class InlineNodes {
  readonly clients: VirtualClients;
  /** SCAFFOLD's clients around {@link clients}, or null. */
  private readonly scaffold: ScaffoldClients | null;
  private readonly uplinks = new Map<number, NodeUplink>();

  constructor(
    private readonly prep: PreparedFederated,
    private readonly kernels: Kernels,
  ) {
    this.clients = new VirtualClients(prep.setup, prep.parts, kernels);
    const lr = prep.setup.optimizer.lr ?? Number.NaN; // SCAFFOLD requires sgd, whose lr is required
    this.scaffold = prep.control && new ScaffoldClients(this.clients, prep.control, lr, kernels);
  }

  /** What the inline runtime trains: the clients, through SCAFFOLD's control variates when it runs. */
  get trainer(): InlineClients {
    if (this.scaffold) return this.scaffold;
    const c = this.clients;
    return {
      has: (id) => c.has(id),
      train: (id, global, round, plan, delta, sink) => c.train(id, global, round, plan, delta, undefined, sink),
      replay: (id, global, round, plan, delta) => c.replay(id, global, round, plan, delta),
      backend: c.backend,
    };
  }

  private uplink(id: number): NodeUplink | null {
    let u = this.uplinks.get(id);
    if (!u) {
      const made = nodeUplink(this.prep.setup, id, this.prep.model.layout, this.kernels);
      if (made === null) return null;
      this.uplinks.set(id, (u = made));
    }
    return u;
  }

  /** The inline runtime's `encodeUp` (undefined when updates travel raw). */
  get encodeUp() {
    if (!compressesUplink(this.prep.setup)) return undefined;
    return (id: number, delta: Float32Array, round: number) => {
      const u = this.uplink(id);
      return u === null ? null : { ...u.encode(delta, round), codec: u.compressor.kind };
    };
  }

  /** Every node that has trained or compressed, in id order (copies). */
  state(_round?: number): NodeCheckpoint[] {
    const memories = this.clients.state();
    const variates = this.scaffold?.state() ?? new Map<number, Float32Array>();
    const ids = [...new Set([...memories.keys(), ...this.uplinks.keys(), ...variates.keys()])].sort((a, b) => a - b);
    return ids.map((id) => {
      const m = memories.get(id);
      return {
        id,
        step: m?.step ?? 0,
        slots: m?.slots ?? null,
        up: this.uplinks.get(id)?.compressor.state() ?? null,
        ...(variates.has(id) ? { control: variates.get(id) } : {}),
      };
    });
  }

  /** Restores nodes from {@link state}. */
  load(nodes: readonly NodeCheckpoint[]): void {
    const memories = new Map<number, OptimizerMemory>();
    const variates = new Map<number, Float32Array>();
    for (const n of nodes) {
      memories.set(n.id, { step: n.step, slots: n.slots });
      if (n.up !== null) this.uplink(n.id)?.compressor.load(n.up);
      if (n.control) variates.set(n.id, n.control);
    }
    this.clients.load(memories);
    this.scaffold?.load(variates);
  }
}
