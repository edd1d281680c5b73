import { defineCommand } from './define.js';
import { runOptions } from './run.js';

/**
 * `starling server <config> --bind tcp://*:PORT --hosts N [--key FILE --allow PATH | --insecure]`: the run's
 * parameter server (or gossip coordinator) for remote hosts.
 */
export const serverCommand = defineCommand({
  command: 'server <config>',
  describe: 'run an experiment as a parameter server that waits for `starling worker` hosts',
  builder: (y) =>
    runOptions(y)
      .option('bind', { type: 'string', default: 'tcp://*:7000', describe: 'endpoint to listen on' })
      .option('hosts', { type: 'number', default: 1, describe: 'worker hosts to wait for before round 0' })
      .option('host-wait-s', {
        type: 'number',
        default: 60,
        describe: 'once every worker host is gone, seconds to wait for one to return or be replaced',
      })
      .option('key', {
        type: 'string',
        describe: "CURVE: the server's secret key file (NAME.key_secret from starling keys generate)",
      })
      .option('allow', {
        type: 'string',
        describe: "CURVE: the hosts admitted: a NAME.key file or a folder of them (each host's id is its key's name)",
      })
      .option('insecure', {
        type: 'boolean',
        default: false,
        describe: 'listen on a non-loopback address without CURVE (anyone who reaches it can join and poison the run)',
      }),
  handler: async (args) => {
    const { runFromCli } = await import('../tools/run.js');
    const { serverRuntime } = await import('../tools/server-runtime.js');
    await runFromCli({ ...args, set: [...args.set, serverRuntime(args)] });
  },
});
