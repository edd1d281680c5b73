// The entry point of the host processes the `processes` runtime spawns:
// `node host-entry.js <worker|peer> '<HostProcessOptions as JSON>'`. Not a public command: people
// start hosts with `starling worker` and `starling peer`, which call the same `runHostProcess`.
import { exitCodeFor } from '../api/exit-code.js';
import { type HostKind, type HostProcessOptions, runHostProcess } from './host-main.js';

const [kind, json] = process.argv.slice(2);
// Ctrl-C in a terminal reaches the whole process group: the parent run stops and tells this host bye.
process.on('SIGINT', () => {});
try {
  if (kind !== 'worker' && kind !== 'peer') throw new Error(`host-entry: unknown host kind ${kind}`);
  await runHostProcess(kind as HostKind, JSON.parse(json ?? '{}') as HostProcessOptions, ['SIGTERM']);
} catch (err) {
  process.stderr.write(`starling ${kind}: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = exitCodeFor(err);
}
