import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from './codec.js';
import type { Header, NodeStateHeader } from './messages.js';
import { nodeStateMessage, readNodeState } from './node-state.js';

const payload = {
  node: 7,
  step: 42,
  slots: [Float32Array.of(1, 2, 3), Float32Array.of(-1, 0.5, 1e-30)],
  up: { 'ef.memory': Float32Array.of(0.25, -0.125, 3) },
};

function roundTrip(p = payload) {
  const { header, tensors } = nodeStateMessage(9, p);
  const out = decodeMessage(encodeMessage({ ...header, run: 'r', v: 1, seq: 0 } as Header, tensors));
  if (!out.ok) throw new Error(out.reason);
  return out;
}

describe('node-state messages', () => {
  it('carry a node’s optimizer step, slots and compressor state bit for bit', () => {
    const m = roundTrip();
    expect(m.header).toMatchObject({ type: 'node-state', op: 'node', node: 7, round: 9, step: 42, slots: 2 });
    expect(m.header.tensors.map((t) => t.name)).toEqual(['slot/0', 'slot/1', 'up/ef.memory']);
    expect(readNodeState(m.header as NodeStateHeader, m.tensors)).toEqual(payload);
  });

  it('carry SCAFFOLD’s control variate as the last tensor `control`', () => {
    const withControl = { ...payload, control: Float32Array.of(0.5, -1, 2) };
    const m = roundTrip(withControl);
    expect(m.header.tensors.map((t) => t.name)).toEqual(['slot/0', 'slot/1', 'up/ef.memory', 'control']);
    expect(readNodeState(m.header as NodeStateHeader, m.tensors)).toEqual(withControl);
  });

  it('refuse a slot count beyond the tensors, misnamed or non-f32 tensors', () => {
    const m = roundTrip();
    const h = m.header as NodeStateHeader;
    expect(readNodeState({ ...h, slots: 4 }, m.tensors)).toMatch(/names 4 slots but carries 3/);
    expect(readNodeState({ ...h, slots: 3 }, m.tensors)).toMatch(/tensor 2 must be slot\/2/);
    const bad = [...m.tensors.slice(0, 2), { ...m.tensors[2], name: 'ef.memory' }];
    expect(readNodeState(h, bad)).toMatch(/must be named up\/<key>/);
    const ints = [{ ...m.tensors[0], data: Int32Array.of(1, 2, 3), dtype: 'i32' as const }];
    expect(readNodeState({ ...h, slots: 1 }, ints)).toMatch(/must be f32/);
    expect(readNodeState({ ...h, step: undefined }, m.tensors)).toMatch(/needs step and slots/);
  });
});
