import type { ParticipationDraw } from '../adversary/participants.js';
import { errors } from '../errors.js';
import { clientTiming, type PlannedWork } from './local-work.js';
import type { ClientProfile } from './profile.js';
import type { GateOutcome, RoundGate } from './round-gate.js';
import { VirtualClock } from './virtual-clock.js';

/** What {@link SyncRounds} needs to time a round. */
export interface SyncRoundsOptions {
  /** Every client's profile, by id. */
  readonly profiles: readonly ClientProfile[];
  /** The local work a node does each round (from its plan and its number of examples). */
  readonly work: (node: number) => PlannedWork;
  /** Payload bytes a client downloads in `round` (asked once the round's model was dispatched). */
  readonly downBytes: (round: number) => number;
  /** Smallest possible downlink and uplink payloads (bytes): lower bounds on completion times. */
  readonly minDownBytes: number;
  readonly minUpBytes: number;
  /** `systems.deadlineS` (virtual seconds after the round opens), or null. */
  readonly deadlineS: number | null;
  /** `algorithm.overCommit` o ≥ 0. */
  readonly overCommit: number;
}

/** One closed round in virtual time. */
export interface VirtualRoundRecord {
  readonly round: number;
  /** Cumulative virtual seconds when the round opened and when it closed. */
  readonly startS: number;
  readonly endS: number;
  /** Dispatched updates that did not count because they finished after the close. */
  readonly late: number;
  /** Selected clients offline at the start, or gone offline before finishing. */
  readonly dropped: number;
  /** Completion times (seconds after the round opened) of the aggregated clients, ascending. */
  readonly times: readonly number[];
}

interface Slot {
  readonly node: number;
  /** A lower bound of its completion time and the latest time it can count (min(deadline, offline)). */
  readonly lb: number;
  readonly online: number;
  state: 'waiting' | 'ok' | 'failed';
  t: number;
}

const before = (ta: number, a: number, tb: number, b: number) => ta < tb || (ta === tb && a < b);

/**
 * Synchronous rounds on a virtual clock (FedScale-style, Lai et al. 2021; over-commitment as in Bonawitz
 * et al. 2019): each dispatched client finishes at downlink + compute + uplink time (see `clientTiming`);
 * the round aggregates the first K updates in (time, client id) order that finish by `deadlineS` while the
 * client is online, and ends when the K-th does (or at the deadline, or when the last one is known).
 * Decisions only use completion times, which the server computes from the profiles, the planned work and
 * the payload sizes: the round can be decided as soon as K accepted updates precede every outstanding
 * client's lower bound, whatever order updates arrive in.
 */
export class SyncRounds implements RoundGate {
  readonly clock = new VirtualClock();
  private readonly records: VirtualRoundRecord[] = [];
  private round = -1;
  private target = 0;
  private offline = 0;
  private slots = new Map<number, Slot>();

  constructor(private readonly o: SyncRoundsOptions) {
    if (!(o.overCommit >= 0 && Number.isFinite(o.overCommit)))
      throw errors.option('algorithm.overCommit', 'a finite number ≥ 0', o.overCommit);
  }

  /** The closed rounds so far, in order. */
  get history(): readonly VirtualRoundRecord[] {
    return this.records;
  }

  /** The record of closed round `round`, if any. */
  record(round: number): VirtualRoundRecord | undefined {
    return this.records.find((r) => r.round === round);
  }

  participation(planned: ParticipationDraw, pool: number): ParticipationDraw {
    if (this.o.overCommit === 0) return planned;
    if (planned.kind === 'poisson')
      throw errors.option('algorithm.overCommit', '0 with Poisson client sampling', this.o.overCommit);
    const k =
      planned.kind === 'fraction' ? Math.max(1, Math.round(planned.value * pool)) : Math.min(planned.value, pool);
    return { kind: 'count', value: Math.min(pool, Math.ceil((1 + this.o.overCommit) * k - 1e-9)) };
  }

  open(round: number, selected: readonly number[]): { offline: number[]; target: number } {
    const start = this.clock.now;
    const o = this.o;
    this.round = round;
    this.target =
      o.overCommit === 0 ? selected.length : Math.max(1, Math.floor(selected.length / (1 + o.overCommit) + 1e-9));
    this.slots = new Map();
    const offline: number[] = [];
    for (const node of selected) {
      const p = o.profiles[node];
      if (!p) throw errors.runtime(`systems: no profile for node ${node}`);
      const until = p.availability.onlineUntil(start);
      if (until === null) {
        offline.push(node);
        continue;
      }
      const lb = clientTiming(p, o.minDownBytes, o.work(node), o.minUpBytes).totalS;
      this.slots.set(node, { node, lb, online: until - start, state: 'waiting', t: lb });
    }
    this.offline = offline.length;
    return { offline, target: this.target };
  }

  answer(node: number, ok: boolean, bytesUp: number | undefined): void {
    const s = this.slots.get(node);
    if (s?.state !== 'waiting') return;
    const p = this.o.profiles[node];
    const up = ok ? (bytesUp ?? this.o.minUpBytes) : 0;
    s.t = Math.max(s.lb, clientTiming(p, this.o.downBytes(this.round), this.o.work(node), up, this.round).totalS);
    s.state = ok ? 'ok' : 'failed';
  }

  /** The latest time slot `s` can count at (deadline, or going offline). */
  private limit(s: Slot): number {
    return Math.min(this.o.deadlineS ?? Number.POSITIVE_INFINITY, s.online);
  }

  /** Accepted-so-far updates in (time, id) order, the outstanding candidate that comes first, if any. */
  private scan(): { good: Slot[]; first: Slot | null } {
    const good: Slot[] = [];
    let first: Slot | null = null;
    for (const s of this.slots.values()) {
      if (s.state === 'ok' && s.t <= this.limit(s)) good.push(s);
      if (
        s.state === 'waiting' &&
        s.lb <= this.limit(s) &&
        (first === null || before(s.lb, s.node, first.lb, first.node))
      )
        first = s;
    }
    good.sort((a, b) => (before(a.t, a.node, b.t, b.node) ? -1 : 1));
    return { good, first };
  }

  ready(): boolean {
    const { good, first } = this.scan();
    if (first === null) return true;
    const decided = good.filter((s) => before(s.t, s.node, first.lb, first.node)).length;
    return decided >= this.target;
  }

  close(): { accepted: Set<number>; outcomes: Map<number, GateOutcome> } {
    const { good } = this.scan();
    const accepted = good.slice(0, this.target);
    const deadline = this.o.deadlineS ?? Number.POSITIVE_INFINITY;
    let endT: number;
    let endNode = Number.POSITIVE_INFINITY;
    if (accepted.length === this.target && accepted.length > 0) {
      endT = accepted[accepted.length - 1].t;
      endNode = accepted[accepted.length - 1].node;
    } else {
      // The server learns each client's outcome when it answers or goes offline; it waits at most to the deadline.
      let last = 0;
      for (const s of this.slots.values()) {
        const known =
          s.state === 'waiting' ? (s.lb > s.online ? s.online : Number.POSITIVE_INFINITY) : Math.min(s.t, s.online);
        last = Math.max(last, known);
      }
      endT = Math.min(deadline, last);
      if (!Number.isFinite(endT)) throw errors.runtime(`systems: round ${this.round} has no end in virtual time`);
    }
    const ids = new Set(accepted.map((s) => s.node));
    const outcomes = new Map<number, GateOutcome>();
    let late = 0;
    let dropped = this.offline;
    for (const s of this.slots.values()) {
      if (ids.has(s.node)) continue;
      const t = s.state === 'waiting' ? Number.POSITIVE_INFINITY : s.t;
      if (s.state === 'failed' && before(t, s.node, endT, endNode) && t <= s.online) continue;
      // Gone offline before it could finish, no later than the round's end (periods are [start, end)).
      if (t > s.online && s.online <= endT) {
        outcomes.set(s.node, 'offline');
        dropped++;
      } else {
        outcomes.set(s.node, 'late');
        late++;
      }
    }
    const startS = this.clock.now;
    this.clock.advance(endT);
    const times = accepted.map((s) => s.t).sort((a, b) => a - b);
    this.records.push({ round: this.round, startS, endS: this.clock.now, late, dropped, times });
    return { accepted: ids, outcomes };
  }

  /** Restores the clock after a checkpoint taken at virtual time `nowS` (records before it are not kept). */
  resumeAt(nowS: number): void {
    this.clock.advance(nowS - this.clock.now);
  }
}
