import { execFileSync } from 'node:child_process';
import { cpus, hostname, platform } from 'node:os';

/** The git commit of the working tree Starling runs from, or null outside a checkout. */
export function gitCommit(cwd: string): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

/** The `meta.json` of a run: what is needed to reproduce it and to explain its speed. */
export function runMeta(opts: {
  seed: number;
  backend: string;
  simd: string | null;
  runtime: string;
  startedAt: Date | null;
  repoDir: string;
  hosts?: readonly string[];
}): Record<string, unknown> {
  return {
    seed: opts.seed,
    git_commit: gitCommit(opts.repoDir),
    node_version: process.version,
    backend: opts.backend,
    simd: opts.simd,
    runtime: opts.runtime,
    host: hostname(),
    hosts: opts.hosts ?? [hostname()],
    platform: `${platform()}-${process.arch}`,
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? null,
    started_at: opts.startedAt === null ? null : opts.startedAt.toISOString(),
    randomness: 'seeded Philox4x32-10 streams (reproducible simulation)',
  };
}
