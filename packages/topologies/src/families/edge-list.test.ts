import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { edgeCount } from '../graph.js';
import { parseEdgeList, readEdgeListFile } from './edge-list.js';

describe('edge-list files', () => {
  it('reads edges, skips comments and blank lines, and merges both orientations', () => {
    const g = parseEdgeList('# a triangle plus a tail\n0 1\n1 2  # inline comment\n\n2 0\n1 0\n2\t3\n');
    expect(g.n).toBe(4);
    expect(edgeCount(g)).toBe(4);
    expect(Array.from(g.neighbors[2])).toEqual([0, 1, 3]);
  });

  it('names the file and line of a malformed entry', () => {
    expect(() => parseEdgeList('0 1\n1 2 3\n', 'g.txt')).toThrow('g.txt:2: expected two node ids "i j", got "1 2 3"');
    expect(() => parseEdgeList('0 1\n\n1 x\n', 'g.txt')).toThrow(
      'g.txt:3: node id must be a non-negative integer, got "x"',
    );
    expect(() => parseEdgeList('0 1\n4 4\n', 'g.txt')).toThrow('g.txt:2: self-loop 4 4 is not allowed');
    expect(() => parseEdgeList('0 -1\n', 'g.txt')).toThrow('g.txt:1: node id must be a non-negative integer, got "-1"');
    expect(() => parseEdgeList('0 5\n', 'g.txt', { nodes: 4 })).toThrow(
      'g.txt:1: node id 5 is out of range for nodes = 4',
    );
  });

  it('rejects gaps in node ids and empty files as data errors', () => {
    expect(() => parseEdgeList('0 1\n1 3\n', 'g.txt')).toThrow('g.txt: node 2 has no edge');
    expect(() => parseEdgeList('# nothing\n', 'g.txt')).toThrow(expect.objectContaining({ code: 'data' }));
  });

  it('reads a file from disk and reports a missing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'starling-edges-'));
    const file = join(dir, 'ring.txt');
    writeFileSync(file, '0 1\n1 2\n2 3\n3 0\n');
    expect(edgeCount(readEdgeListFile(file))).toBe(4);
    expect(() => readEdgeListFile(join(dir, 'missing.txt'))).toThrow(/missing\.txt: cannot read the edge list/);
  });
});
