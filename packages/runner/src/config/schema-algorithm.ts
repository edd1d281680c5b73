import { aggregatorSchema, serverOptimizerSchema } from '@starling/server';
import { topologySectionSchema } from '@starling/topologies';
import { gossipAggregatorSchema } from '@starling/worker';
import { z } from 'zod';
import { fedAsyncSchema, fedBuffSchema } from './schema-async.js';
import { partitionSchema } from './schema-data.js';

const posInt = z.number().int().positive();

/**
 * `maxFailedRounds`: the run fails (exit code 1) after this many consecutive rounds in which nodes
 * were selected and nothing was aggregated (every node failed, e.g. training went non-finite, or fewer
 * than `minCompletion` replied); null: never. Default 3.
 */
const maxFailedRounds = posInt.nullable().default(3);

const federated = {
  rounds: posInt,
  clients: posInt,
  /** Share C of clients sampled per round; mutually exclusive with clientsPerRound. */
  fraction: z.number().gt(0).lte(1).optional(),
  clientsPerRound: posInt.optional(),
  partition: partitionSchema.prefault({ kind: 'iid' }),
  minCompletion: z.number().gt(0).lte(1).default(0.5),
  deadlineS: z.number().positive().nullable().default(null),
  maxClientWeight: z.number().gt(0).lte(1).default(1),
  maxFailedRounds,
  /**
   * L2 bound on one update Δ (after decompression): a larger one is refused and fails its node (reason
   * `norm-bound`). Absent: no bound. A guard against poisoned or broken updates, not a robust aggregator.
   */
  maxUpdateNorm: z.number().positive().finite().optional(),
  serverOptimizer: serverOptimizerSchema.prefault({ kind: 'plain' }),
  /** How the round's updates are combined (the `aggregators` table; client-level DP wraps it). */
  aggregator: aggregatorSchema.prefault({ kind: 'mean' }),
  /** Over-commitment o (needs `systems:`): draw ⌈(1+o)K⌉ clients, aggregate the first K in virtual time. */
  overCommit: z.number().nonnegative().finite().optional(),
};

/** FedAvg's local work: E epochs of minibatch B per round. */
const localWork = { localEpochs: posInt.default(1), batchSize: posInt.default(10) };

/**
 * `algorithm.topology`: the gossip graph or schedule over the peers, validated by the schema of its
 * kind in @starling/topologies (`nodes` is `algorithm.peers`). Random kinds draw from `seed` (default:
 * the run's seed).
 */
export const topologySchema = topologySectionSchema;

const gossip = {
  rounds: posInt,
  peers: z.number().int().min(2),
  topology: topologySchema,
  /** A neighbour silent this long after a peer sent its round-t value is left out of round t. */
  roundDeadlineS: z.number().positive().default(30),
  /** How each peer combines its neighbours' values (the gossip aggregator table in @starling/worker). */
  aggregator: gossipAggregatorSchema.prefault({ kind: 'mean' }),
};

/** `algorithm`: what is trained where. A round of `centralized` is one epoch over the training set. */
export const algorithmSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('centralized'),
    rounds: posInt,
    batchSize: posInt.default(32),
    maxFailedRounds,
  }),
  z.strictObject({ kind: z.literal('fedsgd'), ...federated, batchSize: posInt.nullable().default(null) }),
  z.strictObject({
    kind: z.literal('fedavg'),
    ...federated,
    localEpochs: posInt.default(1),
    batchSize: posInt.default(10),
  }),
  // Heterogeneity algorithms (docs/algorithms.md): FedAvg's keys, plus FedProx's μ.
  z.strictObject({ kind: z.literal('fedprox'), ...federated, ...localWork, mu: z.number().positive().finite() }),
  z.strictObject({ kind: z.literal('fednova'), ...federated, ...localWork }),
  z.strictObject({ kind: z.literal('scaffold'), ...federated, ...localWork }),
  z.strictObject({
    kind: z.literal('dpsgd'),
    ...gossip,
    order: z.enum(['cta', 'atc']).default('atc'),
    localSteps: posInt.default(1),
    batchSize: posInt.default(32),
    partition: partitionSchema.prefault({ kind: 'iid' }),
  }),
  z.strictObject({ kind: z.literal('consensus'), ...gossip }),
  fedAsyncSchema,
  fedBuffSchema,
]);

/**
 * `runtime.hostWaitS`: once every worker host that carries nodes is gone, how long the parameter server
 * waits (seconds) for one to come back or for a replacement before the run fails (docs/runtimes.md).
 */
const hostWaitS = () => z.number().nonnegative().max(2_000_000).default(60);

/**
 * `runtime.restarts` of a `processes` run: a host process that dies (a signal, or exit code 1) is
 * started again with its host id, at most `max` times per host in any `windowS` seconds; `max: 0`
 * turns relaunching off (docs/runtimes.md, "Losing hosts").
 */
const restartsSchema = z
  .strictObject({
    max: z.number().int().nonnegative().max(1000).default(3),
    windowS: z.number().positive().max(2_000_000).default(600),
  })
  .prefault({});

/**
 * `runtime.security` of a cluster run: CURVE on the server's (or gossip coordinator's) ROUTER. `key` is the
 * server's secret key file (`starling keys generate`), `allow` a `.key` file or a folder of them: the hosts
 * admitted, each under the name in its key (its host id). Paths are relative to the config file's folder.
 */
export const clusterSecuritySchema = z.strictObject({
  key: z.string().min(1),
  allow: z.string().min(1),
});

export const runtimeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('inline') }),
  z.strictObject({ kind: z.literal('threads'), transport: z.enum(['tcp', 'ipc']).default('tcp') }),
  z.strictObject({
    kind: z.literal('processes'),
    workers: posInt.default(2),
    transport: z.enum(['tcp', 'ipc']).default('tcp'),
    hostWaitS: hostWaitS(),
    restarts: restartsSchema,
    /**
     * Δs and the round's float64 sum through memory shared with the worker processes (a memfd, Linux;
     * docs/runtimes.md "Processes: the shared reduction"); false: every Δ as a ZeroMQ frame. Same bits.
     */
    sharedMemory: z.boolean().default(true),
  }),
  z.strictObject({
    kind: z.literal('cluster'),
    bind: z
      .string()
      .regex(/^(tcp|ipc):\/\/\S+$/, 'a tcp:// or ipc:// endpoint')
      .default('tcp://*:7000'),
    hosts: posInt.default(1),
    joinTimeoutS: z.number().positive().default(300),
    hostWaitS: hostWaitS(),
    security: clusterSecuritySchema.optional(),
    /** Listen on a non-loopback address without `security` (a warning says what that exposes). */
    insecure: z.boolean().default(false),
  }),
]);

export type AlgorithmConfig = z.infer<typeof algorithmSchema>;
export type RuntimeConfig = z.infer<typeof runtimeSchema>;
export type ClusterSecurityConfig = z.infer<typeof clusterSecuritySchema>;
