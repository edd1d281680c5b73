import { z } from 'zod';
import { adversaryConfigSchema } from './schema-adversary.js';
import { algorithmSchema, runtimeSchema } from './schema-algorithm.js';
import { checkpointSchema } from './schema-checkpoint.js';
import { compressionSchema } from './schema-compression.js';
import { dataSchema } from './schema-data.js';
import { privacySchema } from './schema-privacy.js';
import { systemsSchema } from './schema-systems.js';
import { lossSchema, modelSchema, optimizerSchema } from './schema-training.js';

/** The whole experiment file. Keys are camelCase and mirror the TypeScript types; see docs/config.md. */
export const experimentSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash or underscore (1-64)'),
    seed: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).default(0),
    data: dataSchema,
    model: modelSchema,
    loss: lossSchema,
    optimizer: optimizerSchema,
    algorithm: algorithmSchema,
    runtime: runtimeSchema.default({ kind: 'inline' }),
    eval: z.strictObject({ every: z.number().int().positive().default(1) }).default({ every: 1 }),
    kernels: z.enum(['auto', 'native', 'js']).default('auto'),
    privacy: privacySchema,
    compression: compressionSchema,
    checkpoint: checkpointSchema,
    adversary: adversaryConfigSchema,
    systems: systemsSchema.optional(),
  })
  .superRefine((cfg, ctx) => {
    const algorithm = cfg.algorithm;
    const timed = ['fedavg', 'fedsgd', 'fedprox', 'fednova', 'scaffold', 'fedasync', 'fedbuff'];
    if (cfg.systems !== undefined && !timed.includes(algorithm.kind)) {
      const message = `needs a federated algorithm.kind other than centralized (fedavg, fedsgd, fedprox, fednova, scaffold, fedasync or fedbuff: a virtual clock), got ${algorithm.kind}`;
      ctx.addIssue({ code: 'custom', path: ['systems'], message, input: cfg.systems });
    }
    if (algorithm.kind === 'dpsgd' || algorithm.kind === 'consensus') return;
    if (algorithm.kind === 'fedasync' || algorithm.kind === 'fedbuff') return;
    const a = algorithm;
    if (a.kind !== 'centralized' && a.fraction !== undefined && a.clientsPerRound !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['algorithm', 'clientsPerRound'],
        message: 'must not be set together with algorithm.fraction',
        input: a.clientsPerRound,
      });
    }
    if (a.kind !== 'centralized' && a.clientsPerRound !== undefined && a.clientsPerRound > a.clients) {
      ctx.addIssue({
        code: 'custom',
        path: ['algorithm', 'clientsPerRound'],
        message: `must be at most algorithm.clients (${a.clients})`,
        input: a.clientsPerRound,
      });
    }
  });

/** A validated experiment with every default filled in (what `config.resolved.json` holds). */
export type ExperimentConfig = z.infer<typeof experimentSchema>;
