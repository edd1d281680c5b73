import type { ParameterServer } from '@starling/server';
import type { NodeStatePayload } from '@starling/transport';
import type { NodeCheckpoint } from './inline-nodes.js';

/**
 * The nodes of a parameter-server run over sockets (threads, processes, cluster), whose persistent
 * state lives on the worker hosts: `state` collects it through the server (`node-state` messages,
 * docs/protocol.md), `load` keeps a checkpoint's for the server to hand each host after its welcome.
 */
export class HostNodes {
  private server: ParameterServer | null = null;
  /** The node states to restore on the hosts (a resumed run), by node id. */
  restore: Map<number, NodeStatePayload> | null = null;

  /** The server of the run, once made (`runZmqServer`'s `onServer`). */
  attach(server: ParameterServer): void {
    this.server = server;
  }

  /** Every node's state after `round`, collected from the hosts, in id order. */
  async state(round: number): Promise<NodeCheckpoint[]> {
    if (!this.server) return [];
    const got = await this.server.collectNodeState(round);
    return got.map((p) => ({
      id: p.node,
      step: p.step,
      slots: [...p.slots],
      up: Object.keys(p.up).length > 0 ? { ...p.up } : null,
      ...(p.control ? { control: p.control } : {}),
    }));
  }

  /** Keeps `nodes` for the hosts (sent after their first welcome). */
  load(nodes: readonly NodeCheckpoint[]): void {
    this.restore = new Map(
      nodes.map((n) => [
        n.id,
        {
          node: n.id,
          step: n.step,
          slots: n.slots ?? [],
          up: n.up ?? {},
          ...(n.control ? { control: n.control } : {}),
        },
      ]),
    );
  }
}
