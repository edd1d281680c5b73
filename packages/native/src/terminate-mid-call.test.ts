// A worker thread terminated while it is inside a kernel call (a piscina pool destroyed on Ctrl-C while a
// pool thread trains) must not take the process down: node-addon-api's throw and coercion helpers abort the
// whole process when the terminating thread can no longer call into JS (exit 134 on about 1 Ctrl-C in 7 of
// a threads run before cpp/args.h used the C calls).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from './loader.js';

const ADDON = join(PACKAGE_ROOT, 'build', 'Release', 'starling_native.node');

/** Starts `workers` threads that call tiny kernels back to back and terminates each 0-4 ms after it starts. */
const SCRIPT = (workers: number) => `
const { Worker } = require('node:worker_threads');
const body = \`
  const k = require(${JSON.stringify(ADDON)});
  const a = new Float32Array(4), b = new Float32Array(4), c = new Float32Array(4);
  require('node:worker_threads').parentPort.postMessage('go');
  for (;;) { k.gemm(true, false, 2, 2, 2, 1, a, b, 0, c); k.gemm(false, true, 2, 2, 2, 1, a, b, 1, c, false); }
\`;
let done = 0;
function next(i) {
  const w = new Worker(body, { eval: true });
  w.once('message', () => setTimeout(() => w.terminate().then(() => (++done < ${workers} ? next(done) : console.log('all terminated'))), i % 5));
}
next(0);
`;

describe('a worker terminated inside a kernel call', () => {
  it('leaves the process running: 60 terminations mid-gemm, then a normal exit', () => {
    const run = spawnSync(process.execPath, ['-e', SCRIPT(60)], { encoding: 'utf8', timeout: 120_000 });
    expect(run.stderr).not.toMatch(/FATAL ERROR/);
    expect(run.signal).toBeNull();
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('all terminated');
  }, 150_000);
});
