import {
  type DeltaSink,
  type Encoded,
  errors,
  type Kernels,
  type LocalPlan,
  type LocalResult,
  nonFiniteResult,
} from '@starling/core';
import type { Downlink } from './downlink.js';
import { InlineReduction } from './inline-reduction.js';
import type { RoundMachine } from './round-machine.js';
import type { RoundSummary, ServerCommand } from './round-types.js';
import { type RoundTraffic, TrafficMeter } from './traffic.js';
import type { UpdateDecoder } from './update-decoder.js';

/** The compression of an inline run: the same encoders and decoders the socket runtimes use. */
export interface InlineCompression {
  /** Compresses node `node`'s update for `round` with that node's own uplink compressor (`compression.up`, or its bandwidth tier's); null: that node sends raw float32. */
  readonly encodeUp?: (
    node: number,
    delta: Float32Array,
    round: number,
  ) => (Encoded & { readonly codec: string }) | null;
  /** Decodes updates as the server does over sockets (required with `encodeUp`). */
  readonly decoder?: UpdateDecoder;
  /** The server's compressed downlink (`compression.down`): nodes train from its public copy x̂. */
  readonly downlink?: Downlink;
}

/** What an inline run takes besides its clients: compression, and a signal that stops it. */
export interface InlineRunOptions extends InlineCompression {
  /**
   * Aborting stops the run at the next round boundary (after the closed round's `onRound`, before the
   * next round trains): `runInline` then rejects with a StarlingError of code `interrupted`. The loop
   * yields to the event loop once per round while a signal is given, so a signal handler can run.
   */
  readonly signal?: AbortSignal;
  /** Bytes sent to each participant besides the model (SCAFFOLD's control variate c), counted as downlink. */
  readonly downExtraBytes?: number;
}

/**
 * The registered clients of an inline run, trained on demand in this thread (`VirtualClients` of
 * @starling/worker; a test may wrap a few `NodeTrainer`s).
 */
export interface InlineClients {
  /** Whether `id` is a registered client (an unknown id fails its round with reason `unknown node`). */
  has(id: number): boolean;
  /**
   * Trains client `id` from `global` for `round` and writes its update Δ into `delta` (model length); with
   * `sink`, it may also add weight·Δ into the sink's accumulator as it writes Δ (`added` in the result).
   */
  train(
    id: number,
    global: Float32Array,
    round: number,
    plan: LocalPlan,
    delta: Float32Array,
    sink?: DeltaSink,
  ): LocalResult;
  /** The kernels' backend the clients train with; the runtime hands them sinks only when it is the server's. */
  readonly backend?: Kernels['backend'];
  /**
   * Optional: trains client `id` again for `round` exactly as its last `train` with a sink did, writing Δ
   * into `delta` (rebuilds an update that was only added, `LocalResult.discarded`). Absent: the runtime
   * never lets a client skip writing Δ.
   */
  replay?(id: number, global: Float32Array, round: number, plan: LocalPlan, delta: Float32Array): LocalResult;
}

/**
 * Runs a federated experiment with every node in this thread and an in-memory transport: dispatches
 * train the selected nodes in node-id order and feed their updates straight back to the round logic.
 * With `compression`, each update goes through its node's encoder and the server's decoder, and nodes
 * train from the downlink's x̂, exactly as over sockets (each node counts as its own downlink
 * recipient). Deadlines never fire (every node answers synchronously). Calls `onRound` after each
 * closed round, before the next round is dispatched, with the global model as it stands after
 * aggregation; in inline `bytesUp`/`bytesDown` are the payload bytes. Update buffers belong to the
 * participant slots of a round (the i-th selected client writes the i-th buffer), not to clients: the
 * round machine drops its references when the round closes, so the next round reuses them.
 */
export async function runInline(
  machine: RoundMachine,
  nodes: InlineClients,
  plan: LocalPlan,
  onRound: (summary: RoundSummary, traffic: RoundTraffic) => void | Promise<void>,
  options: InlineRunOptions = {},
): Promise<number> {
  const { encodeUp, decoder, downlink, signal } = options;
  const extra = options.downExtraBytes ?? 0;
  const meter = new TrafficMeter();
  const deltas: Float32Array[] = [];
  const reduction = new InlineReduction();
  const queue: ServerCommand[] = machine.handle({ type: 'start' });
  let completed = 0;
  while (queue.length > 0) {
    const cmd = queue.shift()!;
    switch (cmd.type) {
      case 'dispatch': {
        // With a virtual clock the round may close mid-loop and step the model: the rest train from this copy.
        const model = downlink ? downlink.advance(cmd.round, cmd.model) : machine.gated ? cmd.model.slice() : cmd.model;
        // Raw updates of clients on the server's backend: each client next in the stream's order adds its own
        // weighted Δ while it writes it, and the machine only rounds the sum at the close.
        const fuse = !encodeUp && !machine.gated && !downlink && nodes.backend === cmd.reduce?.backend;
        const chain = fuse && cmd.reduce ? reduction.open(cmd.nodes, cmd.reduce, model.length, !!nodes.replay) : null;
        // A Δ that was only added is written (the client trained again) before the stream may read it.
        const restore = (slot: number) =>
          chain?.restore(slot, (s) => nodes.replay?.(cmd.nodes[s], model, cmd.round, plan, deltas[s]));
        for (const [slot, id] of cmd.nodes.entries()) {
          if (!nodes.has(id)) {
            restore(slot);
            queue.push(...machine.handle({ type: 'failure', round: cmd.round, node: id, reason: 'unknown node' }));
            continue;
          }
          meter.down(cmd.round, extra + (downlink ? downlink.messageFor(`node-${id}`).payloadBytes : model.byteLength));
          if (deltas[slot]?.length !== model.length) deltas[slot] = new Float32Array(model.length);
          const delta = deltas[slot];
          const sink = chain?.sinkFor(slot);
          const r = nodes.train(id, model, cmd.round, plan, delta, sink);
          if (sink) chain?.trained(slot, r);
          restore(slot);
          let sent = delta;
          let bytes = delta.byteLength;
          if (encodeUp && decoder) {
            // A diverged node fails here, before its encoder (whose error-feedback memory NaN would poison).
            const bad = nonFiniteResult(delta, r.trainLoss, r.finite === true ? () => -1 : undefined);
            if (bad !== null) {
              queue.push(
                ...machine.handle({ type: 'failure', round: cmd.round, node: id, reason: `non-finite: ${bad}` }),
              );
              continue;
            }
            const enc = encodeUp(id, delta, cmd.round);
            if (enc === null) meter.up(cmd.round, delta.byteLength, 32 * delta.length);
            else {
              meter.up(cmd.round, enc.bytes.byteLength, enc.theoreticalBits);
              bytes = enc.bytes.byteLength;
              sent = decoder.decode({ data: enc.bytes, codec: enc.codec });
            }
          } else {
            meter.up(cmd.round, delta.byteLength, 32 * delta.length);
          }
          queue.push(
            ...machine.handle({
              type: 'update',
              round: cmd.round,
              node: id,
              samples: r.samples,
              trainLoss: r.trainLoss,
              steps: r.steps,
              delta: sent,
              // The trainer's fused last step scanned Δ (LocalResult.finite); a decoded update was not.
              ...(sent === delta && r.finite === true ? { finite: true } : {}),
              ...(machine.gated ? { bytes } : {}),
            }),
          );
        }
        break;
      }
      case 'round-closed': {
        const p = meter.take(cmd.summary.round);
        await onRound(cmd.summary, { bytesUp: p.payloadBytesUp, bytesDown: p.payloadBytesDown, ...p });
        if (signal) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          const last = queue[0]?.type === 'finished'; // the run is complete: nothing left to stop
          if (signal.aborted && !last) throw errors.interrupted(`after round ${cmd.summary.round}`);
        }
        break;
      }
      case 'finished':
        completed = cmd.completedRounds;
        break;
      case 'arm-deadline':
      case 'rejected':
        break;
    }
  }
  return completed;
}
