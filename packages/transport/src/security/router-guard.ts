import { errors } from '@starling/core';
import type { Router } from 'zeromq';
import type { EndpointLog } from '../endpoint-options.js';
import type { LinkStats } from '../link-stats.js';
import { checkAllow, IdVerifier } from './id-verifier.js';
import { identityProblem, type RouterSecurity } from './identity.js';
import { registerZapDomain, type ZapRegistration } from './zap-handler.js';

/** Distinct refused routing ids warned about individually; beyond it one summary warning (memory stays bounded). */
const MAX_WARNED_IDS = 1024;

/** Handshake failures at a CURVE ROUTER: no CURVE or a wrong server key (protocol), a key ZAP denied (auth). */
const HANDSHAKE_FAILURES = ['handshake:error:auth', 'handshake:error:protocol', 'handshake:error:other'] as const;

/** A routing id for a log line: printable ASCII as is, anything else as hex. */
function showId(id: Buffer): string {
  const text = id.toString('latin1');
  return /^[!-~]{1,255}$/.test(text) ? text : `0x${id.toString('hex')}`;
}

/**
 * Everything a ROUTER endpoint does when `security` is on: CURVE server options with its own ZAP domain
 * (allow-listed keys only), routing ids verified as `NAME~TAG` (see `IdVerifier`), refused traffic counted in
 * `stats().refused` and warned about once per routing id, never decoded.
 */
export class RouterGuard {
  private readonly warned = new Set<string>();
  private counters: LinkStats | undefined;

  private constructor(
    private readonly security: RouterSecurity,
    private readonly zap: ZapRegistration,
    private readonly verifier: IdVerifier,
    private readonly log: EndpointLog,
  ) {}

  /** Checks `security` (a `config` StarlingError naming `transport.security...`) and registers its ZAP domain. */
  static async open(security: RouterSecurity, log: EndpointLog): Promise<RouterGuard> {
    const problem = identityProblem(security?.identity);
    if (problem !== null) throw errors.option('transport.security.identity', 'a valid CURVE identity', problem);
    checkAllow(security.allow, 'transport.security.allow');
    const verifier = new IdVerifier(security.identity, security.allow);
    return new RouterGuard(security, await registerZapDomain(security.allow), verifier, log);
  }

  /** Socket options of a CURVE server in this guard's ZAP domain. */
  socketOptions(): { curveServer: true; curveSecretKey: string; curvePublicKey: string; zapDomain: string } {
    const { publicKey, secretKey } = this.security.identity;
    return { curveServer: true, curveSecretKey: secretKey, curvePublicKey: publicKey, zapDomain: this.zap.domain };
  }

  /** Starts counting into `counters` and watching `socket`'s failed handshakes (refused connections). */
  attach(socket: Router, counters: LinkStats): void {
    this.counters = counters;
    for (const type of HANDSHAKE_FAILURES) socket.events.on(type, () => counters.refuseConnection());
  }

  /** The NAME of a verified routing id, or null: the message is refused (counted, warned once, dropped). */
  admit(id: Buffer, frames: readonly Buffer[]): string | null {
    const name = this.verifier.verify(id);
    if (name !== null) return name;
    let bytes = 0;
    for (const f of frames) bytes += f.byteLength;
    this.counters?.refuse(bytes);
    if (this.warned.size <= MAX_WARNED_IDS) {
      const shown = showId(id);
      if (this.warned.size === MAX_WARNED_IDS) {
        this.warned.add('');
        this.log.warn(
          { reason: 'unauthenticated' },
          'refused traffic from too many routing ids; no longer warning each',
        );
      } else if (!this.warned.has(shown)) {
        this.warned.add(shown);
        this.log.warn({ routingId: shown, reason: 'unauthenticated' }, 'refused traffic from an unverified routing id');
      }
    }
    return null;
  }

  /** The full routing id of allowed NAME, or undefined (nothing may be sent to it). */
  routeOf(name: string): Buffer | undefined {
    return this.verifier.routeOf(name);
  }

  /** Replaces the allow-list (ZAP and routing ids); returns names no longer allowed (or with a new key). */
  setAllow(allow: ReadonlyMap<string, string>): string[] {
    checkAllow(allow, 'transport.security.allow');
    this.zap.setAllow(allow);
    return this.verifier.set(allow);
  }

  /** Handshakes this router's ZAP domain denied. */
  zapDenials(): number {
    return this.zap.denials();
  }

  /** Unregisters the ZAP domain. */
  close(): void {
    this.zap.close();
  }
}
