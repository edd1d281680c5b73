import { describe, expect, it } from 'vitest';
import { hostV8Flags, INTERRUPT_BUDGET, INTERRUPT_BUDGET_ENV, interruptBudget, v8Flags } from './v8-tiering.js';

describe('V8 tier-up budget', () => {
  it('is 16,384 unless the environment says otherwise', () => {
    expect(INTERRUPT_BUDGET).toBe(16_384);
    expect(interruptBudget(undefined)).toBe(16_384);
    expect(interruptBudget('')).toBe(16_384);
    expect(v8Flags({})).toEqual(['--interrupt-budget=16384']);
  });

  it("gives the processes runtime's host processes a budget only when the environment sets one", () => {
    expect(hostV8Flags({})).toEqual([]);
    expect(hostV8Flags({ [INTERRUPT_BUDGET_ENV]: '' })).toEqual([]);
    expect(hostV8Flags({ [INTERRUPT_BUDGET_ENV]: '16384' })).toEqual(['--interrupt-budget=16384']);
    expect(hostV8Flags({ [INTERRUPT_BUDGET_ENV]: 'default' })).toEqual([]);
    expect(() => hostV8Flags({ [INTERRUPT_BUDGET_ENV]: 'fast' })).toThrow(/STARLING_V8_INTERRUPT_BUDGET/);
  });

  it('takes a positive integer, or "default" for V8 own budget', () => {
    expect(interruptBudget('67584')).toBe(67_584);
    expect(v8Flags({ [INTERRUPT_BUDGET_ENV]: '4096' })).toEqual(['--interrupt-budget=4096']);
    expect(interruptBudget('default')).toBeNull();
    expect(v8Flags({ [INTERRUPT_BUDGET_ENV]: 'default' })).toEqual([]);
  });

  it('refuses anything else with a usage error naming the variable', () => {
    for (const bad of ['0', '-5', '1.5', '1e4', 'fast', ' 100', '99999999999999999999']) {
      expect(() => interruptBudget(bad), bad).toThrow(/STARLING_V8_INTERRUPT_BUDGET must be a positive integer/);
      try {
        interruptBudget(bad);
      } catch (err) {
        expect((err as { code?: string }).code).toBe('usage');
      }
    }
  });
});
