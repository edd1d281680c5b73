// The machine, commit and Node version a reproduction ran on (the header of its tables).
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, platform, totalmem } from 'node:os';

function git(repo, args) {
  try {
    return execFileSync('git', args, { cwd: repo, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

/** Date, CPU model, cores, memory, platform, Node version and git commit (with `+dirty` when the tree has changes). */
export function machineInfo(repo, now = new Date()) {
  const commit = git(repo, ['rev-parse', 'HEAD']);
  const dirty = git(repo, ['status', '--porcelain', '--untracked-files=no']);
  return {
    date: now.toISOString(),
    cpu: cpus()[0]?.model?.trim() ?? 'unknown',
    cores: cpus().length,
    memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: `${platform()}-${process.arch}`,
    node: process.version,
    commit: commit === null ? null : `${commit}${dirty ? '+dirty' : ''}`,
    load_at_start: loadText(),
  };
}

/** The 1, 5 and 15 minute load averages, e.g. `12.3 / 10.1 / 8.0`: other work on the machine shows in wall times. */
export function loadText() {
  return loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ');
}

/** The header lines of a results file. */
export function machineMarkdown(m, extra = {}) {
  const lines = [
    `- date: ${m.date}`,
    `- machine: ${m.cpu}, ${m.cores} cores, ${m.memory_gib} GiB, ${m.platform}`,
    `- Node ${m.node}, commit ${m.commit ?? 'unknown (not a git checkout)'}`,
    ...(m.load_at_start ? [`- load average (1 / 5 / 15 min) at start: ${m.load_at_start}`] : []),
  ];
  for (const [k, v] of Object.entries(extra)) lines.push(`- ${k}: ${v}`);
  return `${lines.join('\n')}\n`;
}
