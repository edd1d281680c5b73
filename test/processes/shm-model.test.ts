import { loadShm } from '@starling/native';
import { type DecodedTensor, SHARED_CODEC, SharedLane, ShmRounds } from '@starling/transport';
import { ShmHost, slotTaskTensors } from '@starling/worker';
import { describe, expect, it } from 'vitest';

const shm = loadShm().addon;
const P = 6;
const ORDER = [3, 4, 7, 8];
const WEIGHTS = Float64Array.from([0.1, 0.2, 0.3, 0.4]);

const modelOf = (round: number) => Float32Array.from({ length: P }, (_, k) => round * 10 + k + 0.5);
const byReference = (ref: Uint8Array): DecodedTensor[] => [
  { name: 'model', dtype: 'u8', length: ref.length, data: ref, codec: SHARED_CODEC },
  { name: 'control', dtype: 'f32', length: 2, data: Float32Array.of(1, 2) },
];

describe.skipIf(shm === null)('processes: the round model in the memfd slot', () => {
  it('a host holding the slot reads the bits the server wrote; a stale or foreign reference is refused', () => {
    if (!shm) return;
    const lane = new SharedLane(new ShmRounds(shm, () => true));
    const red = lane.openRoundReduction(5, ORDER, WEIGHTS, P, 'js', modelOf(5));
    const ref = lane.modelReference(5);
    const config = lane.taskConfig(5, [7, 8]);
    if (!red || !ref || !config) throw new Error('no slot');
    expect(lane.modelReference(6)).toBeNull(); // another round
    // the server's own resolution of the reference: the model area of the slot
    expect(Array.from(lane.resolve(ref))).toEqual(Array.from(modelOf(5)));
    // the host's side, through its own mapping of the memfd
    const host = new ShmHost(lane.regionFd ?? -1);
    expect(host.taskSlot({ shm: config }, 4, P)).toBeNull(); // a task of another round: no hold
    const slot = host.taskSlot({ shm: config }, 5, P);
    if (!slot) throw new Error('not joined');
    const task = slotTaskTensors(slot, byReference(ref));
    expect(task?.byReference).toBe(true);
    expect(task?.tensors[0].dtype).toBe('f32');
    expect(Array.from(task?.tensors[0].data ?? [])).toEqual(Array.from(modelOf(5)));
    expect(task?.tensors[1].name).toBe('control'); // the other tensors as they came
    // a reference that is not exactly the slot's model area, or with no slot held: the task is dropped
    const shifted = lane.reference(config.arena, new DataView(ref.buffer).getUint32(4, true) + 1, P);
    expect(slotTaskTensors(slot, byReference(shifted))).toBeNull();
    expect(slotTaskTensors(null, byReference(ref))).toBeNull();
    // frames pass through untouched
    const frames: DecodedTensor[] = [{ name: 'model', dtype: 'f32', length: P, data: modelOf(1) }];
    expect(slotTaskTensors(null, frames)).toEqual({ tensors: frames, byReference: false });
    // while the host holds round 5's slot, round 6 cannot overwrite that model: it gets another slot
    red.release();
    const red6 = lane.openRoundReduction(6, ORDER, WEIGHTS, P, 'js', modelOf(6));
    expect(lane.taskConfig(6, [7, 8])?.base).not.toBe(config.base);
    expect(Array.from(slot.model(ref) ?? [])).toEqual(Array.from(modelOf(5)));
    slot.release();
    red6?.release();
    // once nobody holds it the slot is reopened, and a late task of round 5 can no longer join it
    lane.openRoundReduction(7, ORDER, WEIGHTS, P, 'js', modelOf(7));
    expect(lane.taskConfig(7, [7, 8])?.base).toBe(config.base);
    expect(host.taskSlot({ shm: config }, 5, P)).toBeNull();
  });

  it('without a model at the open (a compressed downlink) the round has no model reference', () => {
    if (!shm) return;
    const lane = new SharedLane(new ShmRounds(shm, () => true));
    lane.openRoundReduction(0, ORDER, WEIGHTS, P, 'js');
    expect(lane.modelReference(0)).toBeNull();
    expect(new SharedLane().modelReference(0)).toBeNull(); // threads: no cross-process slots
  });
});
