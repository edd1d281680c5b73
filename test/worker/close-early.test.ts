// A worker host closed while its pool threads still load the training code must not take the process
// down. Piscina loaded the ES module with require(), which on Node 20.19+ instantiates it synchronously;
// a thread terminated then aborted the process with a V8 fatal error (exit 134, "v8::Module::IsGraphAsync
// must be used on an instantiated module"): 9 of 120 such closes under load, 0 of 120 since the pools load
// a CommonJS file that import()s the module (packages/worker/pool/). Found as `starling worker` killed by
// SIGABRT when told `bye` 300 ms after its welcome (test/worker/bad-welcome.test.ts, under CI load).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/close-early.mjs', import.meta.url));

function closeAfter(ms: number): Promise<{ ms: number; code: number | null; signal: string | null; err: string }> {
  const child = spawn(process.execPath, [script, String(ms)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ ms, code, signal, err })));
}

describe('a worker host closed while its pool threads load', () => {
  it('exits 0 whatever the moment of the close (4 at once, closes from 0 to 600 ms)', async () => {
    const delays = Array.from({ length: 32 }, (_, i) => i * 20);
    const outcomes = [];
    for (let i = 0; i < delays.length; i += 4)
      outcomes.push(...(await Promise.all(delays.slice(i, i + 4).map(closeAfter))));
    const bad = outcomes.filter((o) => o.code !== 0);
    expect(bad.map((o) => `${o.ms} ms: ${o.code ?? o.signal} ${o.err.slice(0, 200)}`)).toEqual([]);
  }, 120_000);
});
