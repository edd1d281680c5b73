import { setFlagsFromString } from 'node:v8';
import { errors } from '@starling/core';

/**
 * The tier-up budget measured best for a `threads` round (docs/runtimes.md, "V8's tier-up budget"): how many
 * bytes of bytecode a function runs, in V8's interpreter and baseline tiers, before V8 considers optimizing
 * it. V8's default (67,584 in Node 20) keeps a `threads` round's pool threads in slow tiers for the first
 * 20-40 rounds; at 16,384 they settle sooner. The default of Starling's processes unless
 * {@link INTERRUPT_BUDGET_ENV} says otherwise: only when code is optimized changes, never what it computes.
 */
export const INTERRUPT_BUDGET = 16_384;

/** The environment variable that overrides {@link INTERRUPT_BUDGET}: a positive integer, or `default` (V8's own). */
export const INTERRUPT_BUDGET_ENV = 'STARLING_V8_INTERRUPT_BUDGET';

/**
 * The budget to set from the environment's value: {@link INTERRUPT_BUDGET} when unset or empty, null (leave
 * V8's own) for `default`. Throws a usage error naming the variable for anything else.
 */
export function interruptBudget(value: string | undefined): number | null {
  if (value === undefined || value === '') return INTERRUPT_BUDGET;
  if (value === 'default') return null;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw errors.usage(`${INTERRUPT_BUDGET_ENV} must be a positive integer or "default", got ${JSON.stringify(value)}`);
  }
  return n;
}

/**
 * The V8 command-line flags for this process and its pool threads (see {@link tuneV8}), per
 * {@link interruptBudget} of `env`.
 */
export function v8Flags(env: NodeJS.ProcessEnv = process.env): string[] {
  const budget = interruptBudget(env[INTERRUPT_BUDGET_ENV]);
  return budget === null ? [] : [`--interrupt-budget=${budget}`];
}

/**
 * The V8 command-line flags for the host processes the `processes` runtime spawns (before the script in
 * `spawn`'s arguments): the budget only when {@link INTERRUPT_BUDGET_ENV} sets one, V8's own otherwise.
 * Measured: with 16,384 the processes round was slower, 23.1 against 21.7 ms (medians of 5 alternating
 * pairs, 5 of 5 slower; docs/runtimes.md, "V8's tier-up budget").
 */
export function hostV8Flags(env: NodeJS.ProcessEnv = process.env): string[] {
  const value = env[INTERRUPT_BUDGET_ENV];
  return value === undefined || value === '' ? [] : v8Flags(env);
}

/**
 * Sets the flags of {@link v8Flags} in this process. Call it first thing, before the training code runs: it
 * acts on functions whose budgets V8 sets from then on, and on every worker thread started later (V8's flags
 * are the process's).
 */
export function tuneV8(env: NodeJS.ProcessEnv = process.env): void {
  for (const flag of v8Flags(env)) setFlagsFromString(flag);
}
