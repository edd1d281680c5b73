import {
  type CompressorState,
  compressKernelsOf,
  type DeltaSinkSource,
  freshOptimizerMemory,
  type Kernels,
  type LocalPlan,
  makeNodeExecutor,
  type NodeExecutor,
  nonFiniteResult,
  Optimizer,
  type OptimizerState,
  Rng,
} from '@starling/core';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { loadKernels } from './kernel-choice.js';
import { type NodeSetup, workspaceFor } from './node-setup.js';
import { compressesUplink, type NodeUplink, nodeUplink } from './node-uplink.js';
import { updateControlVariate } from './scaffold-clients.js';

/** One node's local training for one round, as sent to a pool thread. */
export interface TrainTask {
  readonly setup: NodeSetup;
  readonly node: number;
  readonly indices: Int32Array;
  readonly round: number;
  /** The global model (a view of a SharedArrayBuffer, read only). */
  readonly global: Float32Array;
  /** The node's optimizer state from its previous round, or null on its first. */
  readonly state: OptimizerState | null;
  /**
   * The node's uplink compressor state (error-feedback memory, PowerSGD warm start) from its previous
   * round, or null/absent on its first; only used with `setup.compression.up`.
   */
  readonly upState?: CompressorState | null;
  /**
   * Where to write Δ: a view of a SharedArrayBuffer of the model's length, lent by the host for this
   * task (the result's `delta` is then this view). Absent: a fresh array, transferred back.
   */
  readonly out?: Float32Array;
  /** This node's own local plan (`systems.localWork`); absent: `setup.local`. */
  readonly local?: LocalPlan;
  /**
   * SCAFFOLD: the server's control variate c (read only) and the node's c_i from its previous round
   * (null on its first: 0). The node trains with g − c_i + c and returns its new c_i as `control`.
   */
  readonly scaffold?: { readonly c: Float32Array; readonly ci: Float32Array | null };
}

/** A compressed update: the encoder's bytes, its kind (the frame's `codec`) and its theoretical size. */
export interface UpdatePayload {
  readonly bytes: Uint8Array;
  readonly codec: string;
  readonly theoreticalBits: number;
}

/**
 * What the thread sends back. Through {@link pooledTrainTask}, `delta` and the optimizer state vectors
 * (fresh buffers of this task) are transferred to the host's main thread, not copied.
 */
export interface TrainResult {
  readonly node: number;
  readonly delta: Float32Array;
  readonly trainLoss: number;
  readonly samples: number;
  readonly steps: number;
  readonly state: OptimizerState;
  /** With `setup.compression.up`: the compressed update that goes on the wire instead of `delta`. */
  readonly payload?: UpdatePayload;
  /** With `setup.compression.up`: the compressor state to carry to the node's next round. */
  readonly upState?: CompressorState;
  /**
   * Set when training diverged: Δ or the training loss holds NaN/±Inf (`update[i] is NaN`, see
   * `nonFiniteResult`). The update must not be sent; it is not compressed (no payload, no upState).
   */
  readonly nonFinite?: string;
  /** SCAFFOLD: the node's new control variate c_i (a fresh buffer of this task). */
  readonly control?: Float32Array;
  /** True when the fused last step also added the raw Δ into the sink {@link trainTask} was given. */
  readonly added?: boolean;
}

/** A pool thread's executor for one setup: working buffers and one optimizer, shared by every client. */
interface ThreadExecutor {
  readonly executor: NodeExecutor;
  readonly optimizer: Optimizer;
}
const executors = new Map<string, ThreadExecutor>();
const uplinks = new Map<string, NodeUplink | null>();
/**
 * Each setup object's key (its JSON), so a block task's nodes, which share one deserialized setup,
 * stringify it once per task instead of once per node.
 */
const keys = new WeakMap<NodeSetup, string>();

function keyOf(setup: NodeSetup): string {
  let key = keys.get(setup);
  if (key === undefined) keys.set(setup, (key = JSON.stringify(setup)));
  return key;
}

/** This thread's executor for `setup` (built on the first task of a run, reused for every client). */
function executorFor(setup: NodeSetup, key: string, kernels: Kernels): ThreadExecutor {
  let ex = executors.get(key);
  if (!ex) {
    const { data, model } = workspaceFor(setup);
    const executor = makeNodeExecutor({ ...setup, model, kernels, data: data.train });
    ex = { executor, optimizer: new Optimizer(setup.optimizer, model.layout.size, kernels) };
    executors.set(key, ex);
  }
  return ex;
}

/**
 * The node's uplink compressor, built once per thread and node (it keeps scratch sized to the model);
 * its state is loaded from the task every time, so nothing leaks between rounds or runs.
 */
function uplinkFor(task: TrainTask, key: string, kernels: Kernels): NodeUplink | null {
  if (!compressesUplink(task.setup)) return null;
  const k = `${task.node}:${key}`;
  let u = uplinks.get(k);
  if (u === undefined) {
    u = nodeUplink(task.setup, task.node, workspaceFor(task.setup).model.layout, kernels);
    uplinks.set(k, u);
  }
  return u;
}

/**
 * The piscina entry: binds this thread's executor to the node (its examples, its stream
 * `Rng.fromSeed(seed).fork('node', id)` and the optimizer state the task carries, or a fresh one on the
 * node's first round), trains one round and returns Δ = x_local − x_global (after the node's privacy
 * step, if any); a Δ or loss with NaN/±Inf is returned with `nonFinite` set and nothing compressed.
 * With `setup.compression.up` it then compresses Δ with the node's compressor, restored
 * from `upState`, and returns the payload and the new compressor state. Pure function of the task, so a
 * node's result does not depend on which thread ran it.
 */
export default function trainTask(task: TrainTask, sink?: DeltaSinkSource): TrainResult {
  const { kernels } = loadKernels(task.setup.kernels);
  const key = keyOf(task.setup);
  const { executor, optimizer } = executorFor(task.setup, key, kernels);
  optimizer.bind(freshOptimizerMemory());
  if (task.state) optimizer.load(task.state);
  const delta = task.out?.length === task.global.length ? task.out : new Float32Array(task.global.length);
  const rng = Rng.fromSeed(task.setup.seed).fork('node', task.node);
  const sc = task.scaffold;
  const ci = sc ? (sc.ci?.slice() ?? new Float32Array(sc.c.length)) : undefined;
  let correction: Float32Array | undefined;
  if (sc && ci) kernels.sub(sc.c, ci, (correction = new Float32Array(ci.length)));
  const job = { id: task.node, indices: task.indices, rng, optimizer, correction };
  // A sink only for a raw update: a compressed one is not what the round adds.
  const raw = sink !== undefined && !compressesUplink(task.setup);
  const r = executor.train(job, task.global, task.round, task.local ?? task.setup.local, delta, raw ? sink : undefined);
  if (sc && ci) updateControlVariate(kernels, sc.c, ci, delta, r.steps, task.setup.optimizer.lr ?? Number.NaN);
  const result = {
    node: task.node,
    delta,
    trainLoss: r.trainLoss,
    samples: r.samples,
    steps: r.steps,
    state: optimizer.state(),
    ...(ci ? { control: ci } : {}),
    ...(r.added ? { added: true } : {}),
  };
  // The fused last step already scanned Δ as it wrote it (`r.finite`): no second pass over the model.
  const scan = r.finite === true ? () => -1 : compressKernelsOf(kernels).firstNonFinite;
  const nonFinite = nonFiniteResult(delta, r.trainLoss, scan);
  if (nonFinite !== null) return { ...result, nonFinite };
  const uplink = uplinkFor(task, key, kernels);
  if (uplink === null) return result;
  uplink.compressor.load(task.upState ?? {});
  const encoded = uplink.encode(delta, task.round);
  const payload = { bytes: encoded.bytes, codec: uplink.compressor.kind, theoreticalBits: encoded.theoreticalBits };
  return { ...result, payload, upState: uplink.compressor.state() };
}

/**
 * The buffers of a result that belong to this task alone and can be transferred: `delta` and the
 * optimizer state slots (`Optimizer.state()` returns copies). Only views that span their whole
 * `ArrayBuffer` qualify, each buffer once; compressor payloads and state are left to the copy, since
 * an encoder may hand out views of its own scratch.
 */
function ownedBuffers(r: TrainResult): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const v of [r.delta, ...r.state.slots, ...(r.control ? [r.control] : [])]) {
    if (!(v instanceof Float32Array) || !(v.buffer instanceof ArrayBuffer)) continue;
    if (v.byteOffset === 0 && v.byteLength === v.buffer.byteLength) out.add(v.buffer);
  }
  return [...out];
}

/**
 * The piscina entry of a worker host's pool (`name: 'pooledTrainTask'`): {@link trainTask}, with the
 * result's own buffers moved to the caller instead of structured-cloned (the 2NN's Δ is 800 KB; a
 * copy per node and round cost about 0.6 ms on the pool thread plus an allocation on the host's main
 * thread). The host queues a second task on each thread; training starts from a macrotask so that
 * piscina posts a finished node's result before the queued node starts (otherwise both tasks reach
 * their first `await` together and the first result waits for the second training).
 */
export async function pooledTrainTask(task: TrainTask): Promise<TrainResult> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  const result = trainTask(task);
  return move({ [transferableSymbol]: ownedBuffers(result), [valueSymbol]: result }) as unknown as TrainResult;
}
