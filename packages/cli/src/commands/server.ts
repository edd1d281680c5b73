import { defineCommand } from './define.js';
import { runOptions } from './run.js';

/** `starling server <config> --bind tcp://*:PORT --hosts N`: the run's parameter server for remote worker hosts. */
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
      }),
  handler: async (args) => {
    const { runFromCli } = await import('../tools/run.js');
    const runtime = `runtime={kind: cluster, bind: "${args.bind}", hosts: ${args.hosts}, hostWaitS: ${args.hostWaitS}}`;
    await runFromCli({ ...args, set: [...args.set, runtime] });
  },
});
