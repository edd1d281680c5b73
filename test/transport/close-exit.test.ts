import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/close-exit.mjs', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../../packages/transport/dist/index.js', import.meta.url)));

describe('close()', () => {
  // The child imports the built package (`npx tsc -b`, which `pnpm test` runs first).
  it.skipIf(!built)(
    'lets the process exit promptly with 8 MB messages queued (beyond the high-water mark) for a frozen peer',
    async () => {
      const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      let closingAt = 0;
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (!closingAt && out.includes('closing')) closingAt = performance.now();
      });
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      const exitMs = performance.now() - closingAt;
      expect(code).toBe(0);
      const queued = Number(/closing (\d+)/.exec(out)?.[1]);
      expect(queued).toBeGreaterThan(0);
      expect(out).toMatch(/settled 100 .*closed/);
      expect(exitMs).toBeLessThan(1000);
    },
  );
});
