import { describe, expect, it } from 'vitest';
import { Membership } from './membership.js';

describe('Membership', () => {
  it('waits for the expected hosts, then splits the nodes in contiguous blocks by sorted host id', () => {
    const m = new Membership(3, [0, 1, 2, 3, 4, 5, 6]);
    expect(m.hello('host-c')).toBe('waiting');
    expect(m.hello('host-c')).toBe('repeat');
    expect(m.hello('host-a')).toBe('waiting');
    expect(m.started).toBe(false);
    expect(m.hello('host-b')).toBe('complete');
    expect(m.joined).toBe(3);
    expect(m.start()).toEqual(['host-a', 'host-b', 'host-c']);
    // ⌊k·3/7⌋ = i: positions 0-2, 3-4, 5-6.
    expect(m.nodesOf('host-a')).toEqual([0, 1, 2]);
    expect(m.nodesOf('host-b')).toEqual([3, 4]);
    expect(m.nodesOf('host-c')).toEqual([5, 6]);
    expect(m.ownerOf(4)).toBe('host-b');
    expect(m.ownerOf(7)).toBeUndefined();
  });

  it('after the start: a new host is a spare, a known one rejoins, a lost one reconnects once', () => {
    const m = new Membership(2, [10, 11, 12, 13]);
    m.hello('h1');
    m.hello('h0');
    m.start();
    expect(m.hello('h9')).toBe('spare');
    expect(m.nodesOf('h9')).toEqual([]);
    expect(m.markLost('h1')).toEqual([12, 13]);
    expect(m.reconnected('h0')).toBe(false); // never lost
    expect(m.reconnected('h1')).toBe(true);
    expect(m.reconnected('h1')).toBe(false); // already back
    m.markLost('h0');
    expect(m.hello('h0')).toBe('rejoin'); // a hello clears the loss too
    expect(m.reconnected('h0')).toBe(false);
    expect(m.markLost('h9')).toEqual([]);
    expect(m.reconnected('h9')).toBe(true); // a known spare is welcomed back too (it may take over nodes)
    expect(m.reconnected('stranger')).toBe(false);
  });

  it('a host lost before the start is forgotten: the run waits for another one', () => {
    const m = new Membership(2, [0, 1]);
    m.hello('a');
    expect(m.markLost('a')).toEqual([]);
    expect(m.joined).toBe(0);
    expect(m.reconnected('a')).toBe(false);
    expect(m.hello('b')).toBe('waiting');
    expect(m.hello('a')).toBe('complete'); // it said hello again
    expect(m.start()).toEqual(['a', 'b']);
  });

  it('knows whether a host that carries nodes is connected, the connected spares and the lost carriers', () => {
    const m = new Membership(2, [0, 1, 2, 3]);
    m.hello('a');
    m.hello('b');
    m.start();
    expect(m.carriersConnected()).toBe(true);
    m.markLost('b');
    expect(m.carriersConnected()).toBe(true);
    m.markLost('a');
    expect(m.carriersConnected()).toBe(false);
    expect(m.lostCarriers()).toEqual(['a', 'b']);
    expect(m.connectedSpare()).toBeUndefined();
    m.hello('z');
    m.hello('s');
    expect(m.connectedSpare()).toBe('s');
    m.markLost('s');
    expect(m.connectedSpare()).toBe('z');
  });

  it('moves a lost host’s block whole to a spare, which then owns the nodes; the old host becomes a spare', () => {
    const m = new Membership(2, [0, 1, 2, 3]);
    m.hello('a');
    m.hello('b');
    m.start();
    m.markLost('b');
    expect(m.hello('c')).toBe('spare');
    expect(m.transfer('b', 'c')).toEqual([2, 3]);
    expect(m.nodesOf('c')).toEqual([2, 3]);
    expect(m.ownerOf(3)).toBe('c');
    expect(m.nodesOf('b')).toEqual([]);
    expect(m.lostCarriers()).toEqual([]);
    expect(m.hello('b')).toBe('spare'); // back after its nodes moved
  });
});
