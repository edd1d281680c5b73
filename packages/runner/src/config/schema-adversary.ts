import { adversarySchema } from '@starling/core';
import type { z } from 'zod';

/**
 * `adversary`: Byzantine nodes and their attack, validated by `adversarySchema` in @starling/core
 * (packages/core/src/adversary/attack-spec.ts). `null` (the default): every node is honest. See
 * docs/config.md and docs/robustness.md ("Attacks").
 */
export const adversaryConfigSchema = adversarySchema.nullable().default(null);

export type AdversaryConfig = z.infer<typeof adversaryConfigSchema>;
