'use strict';
// The file both piscina pools load (`filename`): the worker host's (`pooledTrainBlock`) and a gossip host's
// (`trainTask`), each task run by name. CommonJS on purpose. Piscina loads a task file with require()
// first, and on Node 20.19+ require() of an ES module instantiates its whole graph synchronously; a thread
// terminated meanwhile (a pool destroyed while its threads still load: a host told `bye` right after its
// welcome, a run that ends early) aborted the whole process with a V8 fatal error ("v8::Module::IsGraphAsync
// must be used on an instantiated module", exit 134). Here the ES modules are loaded with import(),
// asynchronously, which a termination stops safely. They start loading with the thread; train-block.js
// imports train-task.js, so both come from one module graph.
const { pathToFileURL } = require('node:url');
const { join } = require('node:path');

const load = (file) => {
  const p = import(pathToFileURL(join(__dirname, '..', 'dist', file)).href);
  p.catch(() => {}); // a failed load fails each task that awaits it, not the thread
  return p;
};
const block = load('train-block.js');
const task = load('train-task.js');

/** `pooledTrainBlock` of dist/train-block.js: a worker host's block of nodes (see there). */
exports.pooledTrainBlock = async (t) => (await block).pooledTrainBlock(t);

/** The default export of dist/train-task.js: one gossip peer's local training (see there). */
exports.trainTask = async (t) => (await task).default(t);
