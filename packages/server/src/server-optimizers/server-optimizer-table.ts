import { KindTable } from '@starling/core';
import type { z } from 'zod';
import { fedAdagradServerOptimizer } from './fedadagrad.js';
import { fedAdamServerOptimizer } from './fedadam.js';
import { fedAvgMServerOptimizer } from './fedavgm.js';
import { fedYogiServerOptimizer } from './fedyogi.js';
import { plainServerOptimizer } from './plain.js';

const KINDS = [
  plainServerOptimizer,
  fedAvgMServerOptimizer,
  fedAdagradServerOptimizer,
  fedAdamServerOptimizer,
  fedYogiServerOptimizer,
] as const;

type Kind = (typeof KINDS)[number];

/** A parsed server optimizer spec (`algorithm.serverOptimizer`), every default filled in. */
export type ServerOptimizerSpec = z.output<Kind['schema']>;
/** A server optimizer spec as written in a config (defaults optional). */
export type ServerOptimizerInput = z.input<Kind['schema']>;

/** The server optimizers by kind (docs/algorithms.md lists them); add a kind here and in its own file. */
export const serverOptimizers = new KindTable<ServerOptimizerSpec, Kind>('server optimizer', KINDS);

/** `algorithm.serverOptimizer`: any server optimizer spec; defaults come from each kind's schema. */
export const serverOptimizerSchema = serverOptimizers.schema;
