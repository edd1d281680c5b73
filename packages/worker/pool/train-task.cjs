'use strict';
// The file a gossip host's piscina threads load: CommonJS on purpose, as ./train-block.cjs (see there).
const { pathToFileURL } = require('node:url');
const { join } = require('node:path');

const task = import(pathToFileURL(join(__dirname, '..', 'dist', 'train-task.js')).href);
task.catch(() => {}); // a failed load fails each task that awaits it, not the thread

/** The default export of dist/train-task.js (one node's local training, see there); `run(t, { name: 'trainTask' })`. */
exports.trainTask = async (t) => (await task).default(t);
