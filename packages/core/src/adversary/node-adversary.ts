import { z } from 'zod';
import { partitionSchema } from '../data/partition/partition.js';
import { attackSchema, KNOWLEDGE_KINDS } from './attack-spec.js';
import { participationSchema } from './participants.js';

const id = z.number().int().nonnegative();

/**
 * The adversary as every node of a run receives it (in `NodeSetup.adversary`, so in `welcome.config`):
 * which node ids are Byzantine, what they do and what they know. With `reference` (federated runs), a
 * Byzantine node can recompute the round's other updates: the run has `clients` nodes, partitioned by
 * `partition` from the root seed (`partition(spec, train.y, clients, Rng.fromSeed(seed))`, as the
 * server does), and the server draws each round's participants by `participation` from
 * `Rng.fromSeed(seed).fork('server').fork('participants', round)` over nodes 0..clients−1.
 */
export const nodeAdversarySchema = z.strictObject({
  byzantine: z.array(id).max(100_000),
  attack: attackSchema,
  knowledge: z.enum(KNOWLEDGE_KINDS),
  /** `federated`: attacks act on Δ at the node; `gossip`: on the value a peer sends (label_flip on Δ's data). */
  path: z.enum(['federated', 'gossip']),
  /** ALIE's z as resolved for this run (absent for other kinds). */
  z: z.number().nonnegative().optional(),
  reference: z
    .strictObject({
      clients: z.number().int().positive(),
      partition: partitionSchema,
      participation: participationSchema,
    })
    .optional(),
});

/** See {@link nodeAdversarySchema}. */
export type NodeAdversary = z.output<typeof nodeAdversarySchema>;
