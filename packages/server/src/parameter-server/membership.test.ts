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
    expect(m.reconnected('h9')).toBe(false); // a spare carries no nodes
  });

  it('a host lost before the start is not welcomed back by reconnecting', () => {
    const m = new Membership(2, [0, 1]);
    m.hello('a');
    m.markLost('a');
    expect(m.reconnected('a')).toBe(false);
    m.hello('b');
    m.start();
    // Still marked lost from before the start (as before the split), so a later reconnect welcomes it.
    expect(m.reconnected('a')).toBe(true);
  });
});
