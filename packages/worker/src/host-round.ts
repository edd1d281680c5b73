import type { BlockRunner, BlockRunnerHost } from './block-runner.js';
import { blocksOf } from './blocks.js';
import type { HostSetup } from './node-setup.js';
import { compressesUplink } from './node-uplink.js';
import { SharedTaskModel } from './shared-task-model.js';
import type { JoinedSlot } from './shm-host.js';

/** The most nodes a pool task trains (see {@link HostRound.run}). */
const BLOCK_NODES = 8;

/**
 * A worker host's share of one round, split into pool tasks. With the in-process server's shared
 * reduction (threads runtime: the host's nodes are the whole selection in id order and their raw Δs go
 * by reference), one task per pool thread trains the whole round, the threads claiming nodes in order and
 * adding each Δ into the server's float64 accumulator right after training it (`SharedReduction`,
 * docs/runtimes.md). Otherwise about two blocks per thread, at most BLOCK_NODES nodes each: small enough
 * that updates stream to the server while later blocks train instead of arriving in one burst at the end.
 */
export class HostRound {
  /** The pool threads' copy of the current task model. */
  private readonly taskModels = new SharedTaskModel();

  constructor(
    private readonly host: BlockRunnerHost,
    private readonly blocks: BlockRunner,
  ) {}

  /**
   * Trains `nodes` for `round` from `model` (and SCAFFOLD's `control`) and answers each node. `slot` is
   * the round's cross-process slot this host joined (`processes`, see {@link crossSlot}); `model` may be a
   * view of it: it is copied for the pool threads before the hold is given back.
   */
  async run(
    round: number,
    nodes: readonly number[],
    model: Float32Array,
    control: Float32Array | undefined,
    slot: JoinedSlot | null = null,
  ) {
    const h = this.host;
    const setup = h.setup();
    if (!setup) {
      slot?.release();
      return;
    }
    h.arenas.releaseBefore(round);
    h.states.settle(round);
    h.answers.start(round, nodes);
    const shared = this.taskModels.acquire(model);
    const reduction = this.claimReduction(round, nodes, setup);
    const cross = reduction ? null : this.crossSlot(nodes, setup, slot);
    if (!cross) slot?.release();
    if (reduction) {
      const arena = h.arenas.take(nodes.length * model.length);
      const copies = Math.min(h.pool.maxThreads, nodes.length);
      const place = { round: { arena, chain: reduction.chain, index: 0, count: nodes.length, copies } };
      await this.blocks.run(round, nodes, shared, control, place);
      h.arenas.hold(arena, round);
      reduction.release();
    } else if (cross) {
      const copies = Math.min(h.pool.maxThreads, nodes.length);
      try {
        await this.blocks.run(round, nodes, shared, control, {
          shm: { ...cross, copies, batch: cross.config.batch === true },
        });
      } finally {
        cross.release();
      }
    } else {
      const blocks = blocksOf(nodes, Math.max(2 * h.pool.maxThreads, Math.ceil(nodes.length / BLOCK_NODES)));
      await Promise.all(blocks.map((block) => this.blocks.run(round, block, shared, control)));
    }
    this.taskModels.release(shared);
  }

  /**
   * processes: the joined `slot` when the task placed all of this host's `nodes` in it (it trains every
   * node of its share) and they go raw and undelayed (no compression, no emulation); null otherwise (Δs
   * by copy, as before).
   */
  private crossSlot(nodes: readonly number[], setup: HostSetup, slot: JoinedSlot | null) {
    if (!slot || this.host.emulation() || compressesUplink(setup.setup)) return null;
    return slot.config.count === nodes.length ? slot : null;
  }

  /** The round's shared reduction, when this host may take part (see the class comment); else null. */
  private claimReduction(round: number, nodes: readonly number[], setup: HostSetup) {
    const lane = this.host.lane;
    if (!lane || this.host.emulation() || compressesUplink(setup.setup)) return null;
    return lane.claimReduction(round, nodes);
  }
}
