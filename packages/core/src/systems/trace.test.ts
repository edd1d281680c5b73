import { describe, expect, it } from 'vitest';
import { StarlingError } from '../errors.js';
import { parseTrace } from './trace.js';

describe('systems traces', () => {
  it('reads a CSV trace: one client per line, interval lists as start-end;start-end, # comments', () => {
    const csv = [
      '# a trace of two phones',
      'client,secondsPerExample,uplinkBps,downlinkBps,latencyS,active,periodS',
      '0,0.002,1e6,5e6,0.05,0-3600;7200-9000,86400',
      '1,0.01,2e5,1e6,0,,',
    ].join('\n');
    const rows = parseTrace(csv, 'phones.csv');
    expect(rows).toEqual([
      {
        client: 0,
        secondsPerExample: 0.002,
        uplinkBps: 1e6,
        downlinkBps: 5e6,
        latencyS: 0.05,
        active: [
          [0, 3600],
          [7200, 9000],
        ],
        periodS: 86400,
      },
      { client: 1, secondsPerExample: 0.01, uplinkBps: 2e5, downlinkBps: 1e6, latencyS: 0 },
    ]);
  });

  it('reads a JSON trace and FedScale device-capacity fields (computation ms/example, communication kbit/s)', () => {
    const json = JSON.stringify({ clients: [{ computation: 25, communication: 800, active: [[0, 100]] }] });
    expect(parseTrace(json, 'devices.json')).toEqual([
      { client: null, secondsPerExample: 0.025, uplinkBps: 800_000, downlinkBps: 800_000, active: [[0, 100]] },
    ]);
  });

  it('names the file and line of a bad CSV row (a data error: exit code 2)', () => {
    const csv = 'client,uplinkBps\n0,1e6\n\n1,-5\n';
    let err: unknown;
    try {
      parseTrace(csv, 'trace.csv');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StarlingError);
    expect((err as StarlingError).code).toBe('data');
    expect((err as Error).message).toBe('trace.csv line 4: uplinkBps must be a finite number > 0, got "-5"');
    expect(() => parseTrace('client,uplinkBps\n0,1,2\n', 'x.csv')).toThrow(/x\.csv line 2: 3 fields, the header has 2/);
    expect(() => parseTrace('client,speed\n0,1\n', 'x.csv')).toThrow(/x\.csv line 2: unknown field "speed"/);
    expect(() => parseTrace('client,active\n0,5-3\n', 'x.csv')).toThrow(/line 2: active: interval end 3 must be after/);
  });

  it('names the line of a bad JSON client and of a JSON syntax error', () => {
    const json = '{\n  "clients": [\n    { "uplinkBps": 1e6 },\n    { "uplinkBps": "fast" }\n  ]\n}';
    expect(() => parseTrace(json, 't.json')).toThrow(
      /^t\.json line 4: clients\[1\]: uplinkBps must be a finite number/,
    );
    expect(() => parseTrace('{\n "clients": [\n  {,}\n ]}', 't.json')).toThrow(/^t\.json line 3: not valid JSON/);
    expect(() => parseTrace('{"clients": 3}', 't.json')).toThrow(/t\.json line 1: want/);
  });

  it('reads a per-client lossRate in [0, 1) and names a rate of 1 or more', () => {
    const rows = parseTrace('client,lossRate\n0,0.01\n1,0\n', 'loss.csv');
    expect(rows).toEqual([
      { client: 0, lossRate: 0.01 },
      { client: 1, lossRate: 0 },
    ]);
    expect(() => parseTrace('client,lossRate\n0,1\n', 'loss.csv')).toThrow(
      /loss\.csv.*line 2.*lossRate must be below 1/,
    );
  });

  it('refuses duplicate ids and a mix of named and unnamed rows', () => {
    expect(() => parseTrace('client,uplinkBps\n0,1\n0,2\n', 'd.csv')).toThrow(/client 0 appears twice/);
    expect(() => parseTrace('[{"client": 0}, {"uplinkBps": 1}]', 'm.json')).toThrow(/either every row names/);
  });
});
