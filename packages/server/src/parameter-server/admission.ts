import type { HeaderOf } from '@starling/transport';
import type { ServerLog } from './server-log.js';

/** What a host must be to register with a run: its kind and, where the runtime knows them, its id. */
export interface AdmissionRule {
  /** `worker` (a parameter-server run: its hello has no `endpoint`) or `peer` (a gossip run: it has one). */
  readonly kind: 'worker' | 'peer';
  /**
   * The host ids this run launched itself (`threads`, `processes`); a hello from any other id is refused.
   * Absent: any id may register (cluster mode, where CURVE's allow-list admits hosts).
   */
  readonly ids?: ReadonlySet<string>;
}

/**
 * Decides at `hello` whether a host may register (docs/security.md, "Admission"): a hello of the wrong
 * kind (a gossip peer, which announces its `endpoint`, at a parameter-server run, or a worker at a gossip
 * run) or from an id the runtime did not launch is refused. The caller answers a refusal with `bye`
 * carrying the reason; each refused id is warned once (a refused host says hello every second).
 */
export class Admission {
  private readonly warned = new Set<string>();

  constructor(
    private readonly rule: AdmissionRule,
    private readonly log: ServerLog,
  ) {}

  /** Null when `host` may register with this hello, else why not (the `bye` reason). */
  refusal(host: string, hello: HeaderOf<'hello'>): string | null {
    const why = this.reason(host, hello);
    if (why !== null && !this.warned.has(host)) {
      this.warned.add(host);
      this.log.warn({ host, reason: why }, 'hello refused');
    }
    return why;
  }

  private reason(host: string, hello: HeaderOf<'hello'>): string | null {
    const isPeer = hello.endpoint !== undefined;
    if (this.rule.kind === 'worker' && isPeer) {
      return 'a parameter-server run takes starling worker hosts, not gossip peers (this hello has an endpoint)';
    }
    if (this.rule.kind === 'peer' && !isPeer) return 'a gossip run needs starling peer hosts';
    if (this.rule.ids && !this.rule.ids.has(host)) {
      return `host ${host} is not one of the ${this.rule.ids.size} hosts this run launched`;
    }
    return null;
  }
}
