import { parseSpec } from '@starling/core';
import { z } from 'zod';
import { onePeerExponentialSchedule } from '../schedules/one-peer-exponential.js';
import { nodesAtLeast, type ScheduleFamily } from './topology-kind.js';

const schema = z.strictObject({ kind: z.literal('one_peer_exponential'), nodes: nodesAtLeast(2) });

/** `one_peer_exponential`: one peer per round at hop 2^(t mod ⌈log2 n⌉) ({@link onePeerExponentialSchedule}). */
export const onePeerExponentialFamily: ScheduleFamily = {
  type: 'schedule',
  kind: 'one_peer_exponential',
  random: false,
  schema,
  build: (value, path) => onePeerExponentialSchedule(parseSpec(schema, value, path).nodes),
};
