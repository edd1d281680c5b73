import type { CommandModule } from 'yargs';
import { defineCommand } from './define.js';

const k8s = defineCommand({
  command: 'k8s <config>',
  describe: 'render Kubernetes manifests of a cluster run: server or coordinator Job, worker or peer pods, keys',
  builder: (y) =>
    y
      .positional('config', { type: 'string', demandOption: true, describe: 'experiment file (.yaml, .yml or .json)' })
      .option('workers', {
        type: 'number',
        demandOption: true,
        describe: 'worker (federated) or peer (gossip) host pods',
      })
      .option('image', { type: 'string', default: 'starling:latest', describe: 'container image (deploy/Dockerfile)' })
      .option('keys', {
        type: 'string',
        default: 'keys',
        describe: 'folder of `starling keys generate` output: server, worker-i or peer-i',
      })
      .option('out', { type: 'string', describe: 'write manifests.yaml and secrets.yaml here (default: stdout)' })
      .option('threads', { type: 'number', default: 1, describe: 'training threads (and CPU request) per host pod' })
      .option('storage', { type: 'string', default: '1Gi', describe: 'size of the run folder volume claim' })
      .option('name', { type: 'string', describe: 'prefix of every object (default starling-<config name>)' })
      .option('set', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: "override a config key: --set 'runtime={kind: cluster}'",
      })
      .option('force', { type: 'boolean', default: false, describe: 'write into a non-empty --out folder' }),
  handler: async (args) =>
    (await import('../tools/deploy-k8s.js')).deployK8s({
      config: args.config,
      workers: args.workers,
      image: args.image,
      keys: args.keys,
      out: args.out,
      threads: args.threads,
      storage: args.storage,
      name: args.name,
      set: args.set,
      force: args.force,
    }),
});

/** `starling deploy k8s <config> --workers N [--image IMG] [--keys DIR] [--out DIR]` */
export const deployCommand: CommandModule = {
  command: 'deploy <target>',
  describe: 'render deployment manifests for an experiment (Kubernetes)',
  builder: (y) => y.command(k8s).demandCommand(1, 'name a target: k8s'),
  handler: () => {},
};
