'use strict';
// The file the worker host's piscina threads load (`filename`), CommonJS on purpose. Piscina loads a task
// file with require() first, and on Node 20.19+ require() of an ES module instantiates its whole graph
// synchronously; a thread terminated meanwhile (a pool destroyed while its threads still load: a host told
// `bye` right after its welcome, a run that ends early) aborted the whole process with a V8 fatal error
// ("v8::Module::IsGraphAsync must be used on an instantiated module", exit 134). Here the ES module is
// loaded with import(), asynchronously, which a termination stops safely. It starts loading with the thread.
const { pathToFileURL } = require('node:url');
const { join } = require('node:path');

const block = import(pathToFileURL(join(__dirname, '..', 'dist', 'train-block.js')).href);
block.catch(() => {}); // a failed load fails each task that awaits it, not the thread

/** `pooledTrainBlock` of dist/train-block.js (see there). */
exports.pooledTrainBlock = async (task) => (await block).pooledTrainBlock(task);
