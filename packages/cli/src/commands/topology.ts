import type { CommandModule } from 'yargs';
import { defineCommand } from './define.js';

const inspect = defineCommand({
  command: 'inspect <name>',
  describe: 'degrees, |lambda_2|, spectral gap and messages per round of a gossip topology',
  builder: (y) =>
    y
      .positional('name', {
        type: 'string',
        demandOption: true,
        describe: 'topology kind (ring, torus, exponential, ...)',
      })
      .option('nodes', { type: 'number', describe: 'number of nodes' })
      .option('rows', { type: 'number', describe: 'grid/torus rows' })
      .option('cols', { type: 'number', describe: 'grid/torus columns' })
      .option('degree', { type: 'number', describe: 'random regular degree' })
      .option('p', { type: 'number', describe: 'Erdős–Rényi edge probability' })
      .option('k', { type: 'number', describe: 'Watts–Strogatz neighbours' })
      .option('beta', { type: 'number', describe: 'Watts–Strogatz rewiring probability' })
      .option('file', { type: 'string', describe: 'edge-list file for `edge_list`' })
      .option('weights', {
        choices: ['metropolis', 'maxdegree', 'uniform'] as const,
        describe: 'mixing weights (default metropolis)',
      })
      .option('lazy', { type: 'boolean', default: false, describe: 'use (I + W)/2' })
      .option('seed', { type: 'number', describe: 'seed of random graphs' })
      .option('method', { choices: ['auto', 'exact', 'iterative'] as const, describe: 'eigen-solver' })
      .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON' })
      .option('dot', { type: 'boolean', default: false, describe: 'print the graph in Graphviz DOT' })
      .option('svg', { type: 'string', describe: 'write a circular-layout SVG to FILE' }),
  handler: async (args) => {
    const { topologyInspect } = await import('../tools/topology-inspect.js');
    const { name, json, dot, svg, method, nodes, rows, cols, degree, p, k, beta, file, weights, lazy, seed } = args;
    topologyInspect(
      { kind: name, nodes, rows, cols, degree, p, k, beta, file, weights, lazy, seed, method },
      { json, dot, svg },
    );
  },
});

/** `starling topology <verb>` */
export const topologyCommand: CommandModule = {
  command: 'topology <command>',
  describe: 'inspect gossip topologies',
  builder: (y) => y.command(inspect).demandCommand(1),
  handler: () => {},
};
