#!/usr/bin/env node
// The `starling` command. The implementation is compiled TypeScript in ../dist.
import('../dist/main.js').then((m) => m.main(process.argv.slice(2)));
