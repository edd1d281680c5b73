import { privacySpecSchema } from '@starling/core';
import type { z } from 'zod';

/**
 * `privacy`: differential privacy for the run, validated by `privacySpecSchema` in @starling/core
 * (packages/core/src/privacy/privacy-spec.ts). `null` (the default) trains without privacy. See
 * docs/config.md and docs/privacy.md.
 */
export const privacySchema = privacySpecSchema.nullable().default(null);

export type PrivacyConfig = z.infer<typeof privacySchema>;
