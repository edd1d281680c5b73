import {
  type CompressorSpec,
  type DataSpec,
  type Kernels,
  type Layout,
  type LoadedData,
  type LocalPlan,
  type LossKind,
  loadData,
  type Model,
  type ModelSpec,
  makeModel,
  type NodeAdversary,
  type NodePrivacy,
  NodeTrainer,
  Optimizer,
  type OptimizerSpec,
  Rng,
} from '@starling/core';
import type { NodeEmulation } from './update-emulation.js';

/**
 * Everything a worker host needs to rebuild a run's virtual nodes exactly as the inline runtime does.
 * It travels as the JSON `config` of the `welcome` message (docs/protocol.md), so it holds plain data
 * only; each node's example indices travel with it (see {@link HostSetup}), the host never re-partitions.
 */
export interface NodeSetup {
  readonly seed: number;
  readonly data: DataSpec;
  /**
   * Folder that relative data paths resolve against, on the machine that loads the data: set where the
   * setup is used, never sent (a host sets its own, see {@link onHost}; {@link forWire} drops it).
   */
  readonly dataBaseDir?: string;
  readonly model: ModelSpec;
  readonly loss: LossKind;
  readonly optimizer: OptimizerSpec;
  readonly local: LocalPlan;
  /** Kernel backend request for the hosts (`auto`, `native` or `js`). */
  readonly kernels: 'auto' | 'native' | 'js';
  /**
   * What each node applies itself for differential privacy (DP-SGD, update clipping, local noise), as
   * resolved by `planRunPrivacy` before the run; absent: no privacy.
   */
  readonly privacy?: NodePrivacy;
  /**
   * How each node compresses its update for the uplink (`compression.up` of the run), applied after the
   * optimizer and any privacy step; absent: updates travel as raw float32. See docs/compression.md.
   */
  readonly compression?: NodeCompression;
  /**
   * The run's adversary (`adversary:` of the config, resolved: Byzantine ids, attack, knowledge); absent:
   * every node is honest. See docs/robustness.md, "Attacks".
   */
  readonly adversary?: NodeAdversary;
}

/** The part of `compression` a node applies itself: the uplink compressor spec. */
export interface NodeCompression {
  /** The uplink compressor of nodes without a tier (absent: raw float32). */
  readonly up?: CompressorSpec;
  /** `compression.upTiers`: tier t's uplink compressor, null for raw float32 (at most 16 tiers). */
  readonly tiers?: readonly (CompressorSpec | null)[];
  /** Node i's tier as hex digit i of the string (`'-'`: none, so `up`), fixed from its drawn uplink rate. */
  readonly tierOf?: string;
}

/** What `welcome.config` carries: the run's setup and the example indices of each node given to the host. */
export interface HostSetup {
  readonly setup: NodeSetup;
  readonly partition: Readonly<Record<string, readonly number[]>>;
  /** The model's layout, so a host can decode a compressed downlink without loading the data. */
  readonly layout?: Layout;
  /** Per-node local plans (`systems.localWork`, E_i or a step cap), keyed by node id; absent: `setup.local`. */
  readonly local?: Readonly<Record<string, LocalPlan>>;
  /** Per-node network and compute emulation (`systems.emulate`), keyed by node id; absent: none. */
  readonly emulate?: Readonly<Record<string, NodeEmulation>>;
}

/** A setup's data and model, built once per process or thread. */
export interface Workspace {
  readonly data: LoadedData;
  readonly model: Model;
}

const workspaces = new Map<string, Workspace>();

/**
 * The data and model of a setup, cached per process/thread by the setup's data+model+seed, so a pool
 * thread parses MNIST once however many rounds and nodes it trains. The data split uses
 * `Rng.fromSeed(seed).fork('data')`, as the inline runtime does.
 */
export function workspaceFor(setup: NodeSetup): Workspace {
  const key = JSON.stringify([setup.seed, setup.data, setup.dataBaseDir, setup.model, setup.loss]);
  let ws = workspaces.get(key);
  if (!ws) {
    const data = loadData(setup.data, Rng.fromSeed(setup.seed).fork('data'), { baseDir: setup.dataBaseDir });
    const model = makeModel(setup.model, data.train.shape ?? data.train.d, data.train.classes, setup.loss);
    ws = { data, model };
    workspaces.set(key, ws);
  }
  return ws;
}

/**
 * Builds one virtual node: its examples, a fresh optimizer (state is loaded by the caller when it
 * carries over from earlier rounds) and its random stream `Rng.fromSeed(seed).fork('node', id)`.
 * @deprecated A node object holds two model-sized buffers of its own; runtimes use
 * `VirtualClients` (inline) or one `ClientExecutor` per pool thread (`trainTask`), which give the
 * same bits. Kept for code that has not moved yet.
 */
export function buildNode(
  setup: NodeSetup,
  id: number,
  indices: ArrayLike<number>,
  kernels: Kernels,
): { trainer: NodeTrainer; optimizer: Optimizer } {
  const { data, model } = workspaceFor(setup);
  const optimizer = new Optimizer(setup.optimizer, model.layout.size, kernels);
  const rng = Rng.fromSeed(setup.seed).fork('node', id);
  const trainer = new NodeTrainer(
    id,
    model,
    setup.loss,
    kernels,
    data.train,
    Int32Array.from(indices),
    optimizer,
    rng,
    setup.privacy,
  );
  return { trainer, optimizer };
}

/**
 * The setup as it travels in `welcome.config`: without `dataBaseDir`, a folder of the server's machine
 * that means nothing to a host (docs/protocol.md, "welcome.config").
 */
export function forWire(setup: NodeSetup): NodeSetup {
  const { dataBaseDir: _serverFolder, ...wire } = setup;
  return wire;
}

/**
 * A welcomed setup as a host uses it: relative data paths resolve against `dataDir` (`starling worker
 * --data-dir`, or the folder of the config for hosts a run launches itself); undefined: the host's
 * working directory.
 */
export function onHost(setup: NodeSetup, dataDir: string | undefined): NodeSetup {
  return dataDir === undefined ? setup : { ...setup, dataBaseDir: dataDir };
}
