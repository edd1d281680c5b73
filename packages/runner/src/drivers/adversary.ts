import {
  alieZ,
  chooseByzantine,
  errors,
  knowledgeOf,
  type NodeAdversary,
  type ParticipationDraw,
  type PartitionSpec,
} from '@starling/core';
import type { ExperimentConfig } from '../config/schema.js';

/** Where a run's adversary acts and what its nodes may recompute. */
export interface AdversaryContext {
  readonly path: 'federated' | 'gossip';
  /** Registered nodes (clients or peers). */
  readonly nodes: number;
  /** Classes of the training data (0: regression). */
  readonly classes: number;
  /** Federated runs: how nodes recompute the partition and the server's draw of participants. */
  readonly reference?: { readonly partition: PartitionSpec; readonly participation: ParticipationDraw };
  /** Gossip runs: CHOCO compressed gossip (a rushing adversary cannot read compressed payloads). */
  readonly choco?: boolean;
  /** Gossip runs: average consensus (no training, so nothing to poison). */
  readonly consensus?: boolean;
}

/**
 * The config's `adversary:` resolved for the nodes (`NodeSetup.adversary`), or undefined without one:
 * the Byzantine ids (`chooseByzantine`), the knowledge default, ALIE's z (given, or Baruch et al.'s
 * z_max for n = nodes and f = Byzantine count). Refuses (config error, exit 2) what cannot run:
 * `label_flip` on regression data or on consensus, `omniscient` knowledge with CHOCO gossip.
 */
export function resolveAdversary(cfg: ExperimentConfig, c: AdversaryContext): NodeAdversary | undefined {
  const spec = cfg.adversary;
  if (spec === null) return undefined;
  const knowledge = knowledgeOf(spec);
  const { attack } = spec;
  if (attack.kind === 'label_flip' && (c.classes < 2 || c.consensus)) {
    const what = c.consensus ? 'a training run (consensus trains nothing)' : 'a classification data set';
    throw errors.option('adversary.attack.kind', `label_flip only with ${what}`, attack.kind);
  }
  if (knowledge === 'omniscient' && c.choco) {
    throw errors.option(
      'adversary.knowledge',
      'local with CHOCO gossip (a rushing adversary would have to decode its neighbours’ compressed copies)',
      knowledge,
    );
  }
  const byzantine = chooseByzantine(spec, c.nodes, cfg.seed);
  const z = attack.kind === 'alie' ? (attack.z ?? alieZ(c.nodes, byzantine.length)) : undefined;
  const reference = c.path === 'federated' && c.reference ? { clients: c.nodes, ...c.reference } : undefined;
  return {
    byzantine,
    attack,
    knowledge,
    path: c.path,
    ...(z !== undefined ? { z } : {}),
    ...(reference ? { reference } : {}),
  };
}

/** What meta.json and summary.json record of the adversary (snake_case keys). */
export function adversaryRecord(a: NodeAdversary): Record<string, unknown> {
  return {
    byzantine: a.byzantine,
    attack: a.attack,
    knowledge: a.knowledge,
    ...(a.z !== undefined ? { alie_z: a.z } : {}),
  };
}
