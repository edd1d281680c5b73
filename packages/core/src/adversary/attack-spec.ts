import { z } from 'zod';

const positive = z.number().positive().max(1e12);

/**
 * One attack a Byzantine node runs (docs/robustness.md, "Attacks"). Every kind works on the node's
 * round update Δ (federated) or on the model a peer sends (gossip):
 * - `sign_flip { scale = 1 }`: −scale·b (b: the node's own Δ, or with `omniscient` the honest mean).
 * - `scale { factor = 10 }`: factor·b, model replacement (Bagdasaryan et al. 2020).
 * - `gaussian { std = 1 }`: std·ξ, ξ ~ N(0, I) (`omniscient`: μ_honest + std·ξ). `std` is a standard deviation.
 * - `label_flip`: data poisoning, the node trains honestly on labels y → C − 1 − y (local only).
 * - `alie { z? }`: μ − z·σ per coordinate (Baruch et al. 2019, "A little is enough"); z defaults to
 *   their z_max for n nodes and f Byzantine ({@link alieZ}).
 * - `ipm { epsilon = 0.1 }`: −ε·μ (Xie et al. 2020, inner product manipulation).
 */
export const attackSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('sign_flip'), scale: positive.default(1) }),
  z.strictObject({ kind: z.literal('scale'), factor: z.number().min(-1e12).max(1e12).default(10) }),
  z.strictObject({ kind: z.literal('gaussian'), std: positive.default(1) }),
  z.strictObject({ kind: z.literal('label_flip') }),
  z.strictObject({ kind: z.literal('alie'), z: z.number().nonnegative().max(1e6).optional() }),
  z.strictObject({ kind: z.literal('ipm'), epsilon: positive.default(0.1) }),
]);

/** A resolved attack (defaults filled in). */
export type AttackSpec = z.output<typeof attackSchema>;
/** The attack kinds. */
export type AttackKind = AttackSpec['kind'];
/** Every attack kind, in documentation order. */
export const ATTACK_KINDS: readonly AttackKind[] = ['sign_flip', 'scale', 'gaussian', 'label_flip', 'alie', 'ipm'];

/**
 * What the adversary knows: `local` — only what the colluding Byzantine nodes hold themselves (their own
 * data and updates); `omniscient` — also the round's honest updates, which it recomputes (see
 * `ReferenceUpdates`). Default: `omniscient` for `alie` and `ipm` (as in their papers), else `local`.
 */
export const KNOWLEDGE_KINDS = ['local', 'omniscient'] as const;
/** See {@link KNOWLEDGE_KINDS}. */
export type Knowledge = (typeof KNOWLEDGE_KINDS)[number];

/** The top-level `adversary:` section of an experiment (exactly one of `fraction` / `nodes`). */
export const adversarySchema = z
  .strictObject({
    fraction: z.number().min(0).lt(1).optional(),
    nodes: z.array(z.number().int().nonnegative()).max(100_000).optional(),
    attack: attackSchema,
    knowledge: z.enum(KNOWLEDGE_KINDS).optional(),
  })
  .superRefine((a, ctx) => {
    if ((a.fraction === undefined) === (a.nodes === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['fraction'], message: 'set exactly one of fraction or nodes', input: a });
    }
    if (a.nodes !== undefined && new Set(a.nodes).size !== a.nodes.length) {
      ctx.addIssue({ code: 'custom', path: ['nodes'], message: 'must not repeat a node id', input: a.nodes });
    }
    if (a.attack.kind === 'label_flip' && a.knowledge === 'omniscient') {
      ctx.addIssue({
        code: 'custom',
        path: ['knowledge'],
        message: 'label_flip is data poisoning of the node itself: only knowledge local applies',
        input: a.knowledge,
      });
    }
  });

/** The `adversary:` section as validated. */
export type AdversarySpec = z.output<typeof adversarySchema>;

/** The knowledge an adversary section resolves to (its default depends on the attack). */
export function knowledgeOf(spec: Pick<AdversarySpec, 'attack' | 'knowledge'>): Knowledge {
  if (spec.knowledge !== undefined) return spec.knowledge;
  return spec.attack.kind === 'alie' || spec.attack.kind === 'ipm' ? 'omniscient' : 'local';
}
