import { formatPrivacyReport, privacyEpsilon, privacySigma } from '@starling/core';
import type { PrivacyArgs } from '../commands/privacy.js';

/** `starling privacy epsilon|sigma`: the accountant's answer as text or JSON. */
export function privacyCommand(verb: 'epsilon' | 'sigma', a: PrivacyArgs): void {
  const common = { sampleRate: a.sampleRate, steps: a.steps, delta: a.delta, conversion: a.conversion };
  const report =
    verb === 'epsilon'
      ? privacyEpsilon({ ...common, noiseMultiplier: a.noiseMultiplier as number })
      : privacySigma({ ...common, targetEpsilon: a.targetEpsilon as number });
  process.stdout.write(a.json ? `${JSON.stringify(report)}\n` : `${formatPrivacyReport(report).trimEnd()}\n`);
}
