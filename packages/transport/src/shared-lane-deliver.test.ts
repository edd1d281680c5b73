import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from './endpoint-options.js';
import { SharedLane } from './shared-lane.js';

describe('SharedLane.deliver (the server hands a task to a host in its process)', () => {
  const task = { type: 'task', round: 4, node: -1, nodes: [3, 7], model: 'full', config: {}, deadlineMs: 0 } as const;

  it('hands the header and the tensors over as the host socket would deliver them, without a copy', () => {
    const lane = new SharedLane();
    const got: IncomingMessage[] = [];
    lane.serve('h-0', 'run-1', (m) => got.push(m));
    const model = new Float32Array([1, 2, 3]);
    const packed = new Uint8Array([9, 8]);
    expect(
      lane.deliver('h-0', task, [
        { name: 'model', data: model },
        { name: 'c', data: packed, codec: 'qsgd' },
      ]),
    ).toBe(true);
    expect(got).toHaveLength(1);
    const m = got[0];
    expect(m.peer).toBe('server');
    expect(m.bytes).toBe(0);
    expect(m.header).toMatchObject({ type: 'task', round: 4, nodes: [3, 7], model: 'full', run: 'run-1', seq: 0 });
    expect(m.header.tensors).toEqual([
      { name: 'model', dtype: 'f32', length: 3, bytes: 12 },
      { name: 'c', dtype: 'u8', length: 2, bytes: 2, codec: 'qsgd' },
    ]);
    expect(m.tensors[0].data).toBe(model);
    expect(Array.from(m.tensors[1].data)).toEqual([9, 8]);
  });

  it('is refused (false, nothing called) for a host that does not serve, or no longer does', () => {
    const lane = new SharedLane();
    let calls = 0;
    expect(lane.deliver('h-0', task)).toBe(false);
    lane.serve('h-0', 'run-1', () => calls++);
    expect(lane.deliver('h-1', task)).toBe(false);
    expect(lane.deliver('h-0', task)).toBe(true);
    lane.serve('h-0', '', null);
    expect(lane.deliver('h-0', task)).toBe(false);
    expect(calls).toBe(1);
  });
});
