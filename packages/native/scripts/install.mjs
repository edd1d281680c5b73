// Builds the native addon during `pnpm install`. Never fails the install: when the compiler or the
// headers are missing, it prints why, keeps the output in build/install-failed.log, and the `auto`
// kernel backend falls back to the TypeScript kernels (loadKernels reports the log).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const addon = join(root, 'build', 'Release', 'starling_native.node');
// The shared-memory addon (cpp/shm.cc, for the processes runtime), built by the same binding.gyp.
const shmAddon = join(root, 'build', 'Release', 'starling_shm.node');
const failedLog = join(root, 'build', 'install-failed.log');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

// Up to date: an existing build that loads and is newer than every source (a source edit rebuilds).
if (existsSync(addon)) {
  const built = statSync(addon).mtimeMs;
  const fresh = built > newestSource(join(root, 'cpp')) && built > statSync(join(root, 'binding.gyp')).mtimeMs;
  const loads = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(addon)})`]).status === 0;
  if (fresh && loads && existsSync(shmAddon)) process.exit(0);
}

const args = ['rebuild', '--jobs=max'];
// Node installed from a distribution package ships its headers under <prefix>/include/node; use them
// rather than downloading (which fails offline) unless a nodedir is configured already.
const prefix = dirname(dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${prefix}`);
}

let gyp;
try {
  gyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
} catch {
  gyp = undefined;
}
const run = gyp
  ? spawnSync(process.execPath, [gyp, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 })
  : { status: 1, stdout: '', stderr: 'node-gyp is not installed (a devDependency of @starling/native)' };
const output = `${run.stdout ?? ''}${run.stderr ?? ''}${run.error ? String(run.error) : ''}`;
if (run.status === 0) {
  rmSync(failedLog, { force: true });
  console.log('@starling/native: built the native kernels');
  process.exit(0);
}
mkdirSync(dirname(failedLog), { recursive: true });
writeFileSync(failedLog, output);
const tail = output.trim().split('\n').slice(-15).join('\n');
console.warn(
  `${tail}\n\n@starling/native: the native kernels did not build; Starling will use the TypeScript kernels.`,
);
console.warn(`Full output: ${failedLog}. Needs a C++17 compiler (g++ or clang++), make and Node's headers.`);
process.exit(0);
