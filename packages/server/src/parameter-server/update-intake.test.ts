import {
  EXAMPLE_HEADERS,
  type HeaderOf,
  type IncomingMessage,
  PROTOCOL_VERSION,
  SHARED_CODEC,
  SharedLane,
} from '@starling/transport';
import { describe, expect, it } from 'vitest';
import { TrafficMeter } from '../traffic.js';
import { UpdateIntake } from './update-intake.js';

const warnings: string[] = [];
const log = {
  info: () => {},
  error: () => {},
  debug: () => {},
  warn: (_obj: object, msg: string) => void warnings.push(msg),
};

function message(peer: string, data: Float32Array | Uint8Array, codec?: string) {
  const header: HeaderOf<'update'> = {
    ...EXAMPLE_HEADERS.update,
    v: PROTOCOL_VERSION,
    run: 'r',
    round: 3,
    node: 7,
    seq: 0,
    weight: 12,
    metrics: { train_loss: 0.25 },
    tensors: [],
  };
  const dtype = data instanceof Float32Array ? ('f32' as const) : ('u8' as const);
  const m: IncomingMessage = {
    peer,
    header,
    tensors: [{ name: 'delta', dtype, length: data.length, data, ...(codec ? { codec } : {}) }],
    bytes: 0,
  };
  return { m, h: header };
}

describe('UpdateIntake', () => {
  it('with a lane, reads a shm-referenced Δ in place and meters it as the f32 payload it delivers', () => {
    const meter = new TrafficMeter();
    const lane = new SharedLane();
    const arena = new SharedArrayBuffer(4 * 6);
    new Float32Array(arena).set([9, 9, 1, 2, 3, 9]);
    const id = lane.register(arena);
    const intake = new UpdateIntake(undefined, meter, log, lane);
    const { m, h } = message('host-0', lane.reference(id, 2, 3), SHARED_CODEC);
    const event = intake.accept(m, h, 'host-0');
    expect(event).toMatchObject({ type: 'update', node: 7, samples: 12 });
    const delta = event?.type === 'update' ? event.delta : null;
    expect(Array.from(delta ?? [])).toEqual([1, 2, 3]);
    expect(delta?.buffer).toBe(arena);
    expect(meter.take(3)).toEqual({ payloadBytesUp: 12, payloadBytesDown: 0, theoreticalBitsUp: 96 });
    // Without a lane (a host in another process cannot share memory), a shm reference is a malformed update.
    const plain = new UpdateIntake(undefined, new TrafficMeter(), log);
    expect(plain.accept(m, h, 'host-0')).toMatchObject({ type: 'failure', node: 7 });
    // A reference past the arena fails the node, never reads out of bounds.
    const bad = message('host-0', lane.reference(id, 4, 3), SHARED_CODEC);
    expect(intake.accept(bad.m, bad.h, 'host-0')).toMatchObject({ type: 'failure', node: 7 });
  });

  it("passes on the writer's finite claim for a vouched shm Δ only", () => {
    const lane = new SharedLane();
    const id = lane.register(new SharedArrayBuffer(4 * 6));
    const intake = new UpdateIntake(undefined, new TrafficMeter(), log, lane);
    const accept = () => {
      const { m, h } = message('host-0', lane.reference(id, 2, 3), SHARED_CODEC);
      const e = intake.accept(m, h, 'host-0');
      return e?.type === 'update' ? e.finite : 'no update';
    };
    expect(accept()).toBeUndefined(); // not vouched: the round machine scans it
    lane.vouch(id, 2, 3);
    expect(accept()).toBe(true);
    lane.rewrite(id);
    expect(accept()).toBeUndefined();
  });

  it('turns a raw f32 update from the owning host into an event and meters 32 bits per value', () => {
    const meter = new TrafficMeter();
    const intake = new UpdateIntake(undefined, meter, log);
    const delta = Float32Array.of(1, 2, 3);
    const { m, h } = message('host-0', delta);
    expect(intake.accept(m, h, 'host-0')).toEqual({
      type: 'update',
      round: 3,
      node: 7,
      samples: 12,
      trainLoss: 0.25,
      delta,
      bytes: 12, // the payload as sent: its uplink time on a virtual clock
      finite: true, // the transport scanned every f32 frame on arrival: the machine need not again
    });
    expect(meter.take(3)).toEqual({ payloadBytesUp: 12, payloadBytesDown: 0, theoreticalBitsUp: 96 });
    expect(intake.rejected).toBe(0);
  });

  it('drops an update from a host that does not own the node, and fails the node on a malformed payload', () => {
    const intake = new UpdateIntake(undefined, new TrafficMeter(), log);
    const raw = message('host-1', Float32Array.of(1));
    expect(intake.accept(raw.m, raw.h, 'host-0')).toBeNull();
    const coded = message('host-0', Uint8Array.of(1, 2), 'topk');
    expect(intake.accept(coded.m, coded.h, 'host-0')).toMatchObject({
      type: 'failure',
      round: 3,
      node: 7,
      reason: expect.stringContaining('update: delta must be f32'),
    });
    intake.countRejected();
    expect(intake.rejected).toBe(3);
    expect(warnings).toContain('malformed update rejected');
  });
});
