import { serverOptimizerSchema, stalenessSchema } from '@starling/server';
import { z } from 'zod';
import { partitionSchema } from './schema-data.js';

const posInt = z.number().int().positive();

/**
 * What both asynchronous kinds share (docs/async.md): `rounds` counts server model updates, each client
 * trains `localEpochs` epochs of batch `batchSize` from the model it downloaded, `concurrency` clients are
 * in flight at once (at most `clients`), and an update of staleness d counts s(d) (`staleness`). They need
 * a `systems:` section: time comes from the clients' profiles.
 */
const asyncCommon = {
  rounds: posInt,
  clients: posInt,
  partition: partitionSchema.prefault({ kind: 'iid' }),
  localEpochs: posInt.default(1),
  batchSize: posInt.default(10),
  concurrency: posInt,
};

/** `algorithm: { kind: fedasync, alpha, staleness }`: Xie et al. 2019 (α default 0.6, s polynomial a = 0.5). */
export const fedAsyncSchema = z.strictObject({
  kind: z.literal('fedasync'),
  ...asyncCommon,
  alpha: z.number().gt(0).lte(1).default(0.6),
  staleness: stalenessSchema.prefault({ kind: 'polynomial' }),
});

/**
 * `algorithm: { kind: fedbuff, bufferSize, serverOptimizer, staleness, maxClientWeight }`: Nguyen et al.
 * 2022; the buffer's K updates are averaged with FedAvg's weights (× s(τ); default constant s ≡ 1).
 */
export const fedBuffSchema = z.strictObject({
  kind: z.literal('fedbuff'),
  ...asyncCommon,
  bufferSize: posInt,
  serverOptimizer: serverOptimizerSchema.prefault({ kind: 'plain' }),
  maxClientWeight: z.number().gt(0).lte(1).default(1),
  staleness: stalenessSchema.prefault({ kind: 'constant' }),
});

export type FedAsyncConfig = z.infer<typeof fedAsyncSchema>;
export type FedBuffConfig = z.infer<typeof fedBuffSchema>;
