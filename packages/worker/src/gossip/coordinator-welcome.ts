import { type RouterEndpoint, type RouterSecurity, type SendResult, toJsonValue } from '@starling/transport';
import { forWire } from '../node-setup.js';
import { hostKeys } from './coordinator-admission.js';
import type { GossipBoundaries } from './coordinator-checkpoint.js';
import type { HoldControl } from './coordinator-hold.js';
import type { GossipMembership } from './coordinator-membership.js';
import type { GossipHostConfig, GossipSetup } from './gossip-setup.js';

/** What the coordinator's `welcome` of a gossip host reads. */
export interface WelcomeContext {
  readonly setup: GossipSetup;
  /** Each node's training example indices (by node id). */
  readonly partition: readonly ArrayLike<number>[];
  readonly members: GossipMembership;
  readonly hold: HoldControl;
  readonly router: RouterEndpoint;
  /** The run's first round (one past a resumed checkpoint's, else 0). */
  readonly from: number;
  readonly security?: RouterSecurity;
  readonly heartbeatMs: number;
  readonly timeoutMs: number;
  /** The checkpoint boundaries (null without checkpoints): a host starting at `from` gets its saved states. */
  readonly boundaries: () => GossipBoundaries | null;
}

/**
 * Welcomes `host` with its nodes at its first round: the run's setup, its nodes' examples, every node's
 * host and every host's gossip endpoint (and CURVE key), the rounds granted and the nodes still lost.
 * A host that starts at the run's first round of a resumed run is then sent its peers' saved states (a
 * replacement host's states are sent by `rejoinHost`).
 */
export function sendWelcome(w: WelcomeContext, host: string): Promise<SendResult> {
  const { members, router } = w;
  const mine = members.nodesOf(host);
  const first = members.firstRoundOf(host, w.from);
  members.welcomed(host);
  const lost = members.lost;
  const config: GossipHostConfig = {
    kind: 'gossip',
    gossip: { ...w.setup, node: forWire(w.setup.node) },
    partition: Object.fromEntries(mine.map((n) => [String(n), Array.from(w.partition[n] ?? [])])),
    owners: members.owners,
    endpoints: Object.fromEntries(members.joined),
    ...(w.security ? { keys: hostKeys(w.security, [...members.joined.keys()]) } : {}),
    from: first,
    grant: w.hold.grant,
    ...(lost.size > 0 ? { lost: [...lost].sort((a, b) => a - b) } : {}),
  };
  const sent = router.send(host, {
    type: 'welcome',
    round: 0,
    node: -1,
    host,
    nodes: mine,
    config: toJsonValue(config, 'welcome.config'),
    digest: '',
    heartbeatMs: w.heartbeatMs,
    timeoutMs: w.timeoutMs,
  });
  if (first === w.from) w.boundaries()?.restore(host, mine);
  return sent;
}
