import { parseSpec } from '@starling/core';
import { z } from 'zod';
import { randomMatchingSchedule } from '../schedules/random-matching.js';
import { nodesAtLeast, type ScheduleFamily } from './topology-kind.js';

const schema = z.strictObject({ kind: z.literal('random_matching'), nodes: nodesAtLeast(2) });

/** `random_matching`: a fresh random pairing every round ({@link randomMatchingSchedule}). */
export const randomMatchingFamily: ScheduleFamily = {
  type: 'schedule',
  kind: 'random_matching',
  random: true,
  schema,
  build: (value, path, rng) => randomMatchingSchedule({ nodes: parseSpec(schema, value, path).nodes }, rng),
};
