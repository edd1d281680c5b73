import { formatPrivacyReport, privacyEpsilon, privacySigma } from '@starling/core';

/** The accountant flags both `starling privacy` verbs take. */
interface AccountantFlags {
  readonly sampleRate: number;
  readonly steps: number;
  readonly delta: number;
  readonly conversion?: 'improved' | 'classic';
  readonly json: boolean;
}

function print(report: Parameters<typeof formatPrivacyReport>[0], json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(report)}\n` : `${formatPrivacyReport(report).trimEnd()}\n`);
}

const common = (a: AccountantFlags) => ({
  sampleRate: a.sampleRate,
  steps: a.steps,
  delta: a.delta,
  conversion: a.conversion,
});

/** `starling privacy epsilon`: ε spent by T steps at noise multiplier σ, as text or JSON. */
export function privacyEpsilonCommand(a: AccountantFlags & { readonly noiseMultiplier: number }): void {
  print(privacyEpsilon({ ...common(a), noiseMultiplier: a.noiseMultiplier }), a.json);
}

/** `starling privacy sigma`: the smallest σ whose ε stays within the target, as text or JSON. */
export function privacySigmaCommand(a: AccountantFlags & { readonly targetEpsilon: number }): void {
  print(privacySigma({ ...common(a), targetEpsilon: a.targetEpsilon }), a.json);
}
