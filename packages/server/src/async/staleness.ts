import { errors } from '@starling/core';
import { z } from 'zod';

/**
 * How much an update of staleness d (server model versions between its download and its arrival) counts,
 * s(d) ∈ (0, 1] with s(0) = 1 (Xie, Koyejo, Gupta 2019, "Asynchronous Federated Optimization", §5.2):
 * - constant:   s(d) = 1
 * - polynomial: s(d) = (d + 1)^(−a),  a ≥ 0
 * - hinge:      s(d) = 1 if d ≤ b, else 1 / (a(d − b) + 1),  a ≥ 0, b ≥ 0
 */
export type StalenessSpec =
  | { readonly kind: 'constant' }
  | { readonly kind: 'polynomial'; readonly a: number }
  | { readonly kind: 'hinge'; readonly a: number; readonly b: number };

/** `algorithm.staleness` (`a` defaults to 0.5 for polynomial, 10 for hinge; `b` to 4: Xie et al.'s values). */
export const stalenessSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('constant') }),
  z.strictObject({ kind: z.literal('polynomial'), a: z.number().nonnegative().finite().default(0.5) }),
  z.strictObject({
    kind: z.literal('hinge'),
    a: z.number().nonnegative().finite().default(10),
    b: z.number().nonnegative().finite().default(4),
  }),
]);

/**
 * s(d) for an update of staleness `d` (an integer ≥ 0) under `spec`; see {@link StalenessSpec}.
 * @param path where the spec sits in the experiment, for error messages
 */
export function stalenessWeight(spec: StalenessSpec, d: number, path = 'algorithm.staleness'): number {
  if (!(Number.isInteger(d) && d >= 0)) throw errors.option(`${path} staleness`, 'an integer ≥ 0', d);
  switch (spec.kind) {
    case 'constant':
      return 1;
    case 'polynomial':
      return (d + 1) ** -spec.a;
    case 'hinge':
      return d <= spec.b ? 1 : 1 / (spec.a * (d - spec.b) + 1);
  }
}
