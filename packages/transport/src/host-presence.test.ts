import { describe, expect, it } from 'vitest';
import { type HostPresence, HostWatch } from './host-presence.js';

describe('HostWatch', () => {
  it('reports joined once, lost once, back after lost, and nothing after close', () => {
    const seen: HostPresence[] = [];
    const w = new HostWatch((e) => seen.push(e));
    w.lost('stranger', 0, 'left: x'); // never admitted
    w.present('a', -1);
    w.present('a', -1); // repeated hello
    w.lost('a', 3, 'disconnected: eof');
    w.lost('a', 3, 'timeout: again');
    w.present('a', 4);
    w.close();
    w.lost('a', 9, 'left: run finished');
    expect(seen).toEqual([
      { host: 'a', state: 'joined', round: -1, reason: null },
      { host: 'a', state: 'lost', round: 3, reason: 'disconnected: eof' },
      { host: 'a', state: 'back', round: 4, reason: null },
    ]);
  });
});
