import { defineCommand } from './define.js';

/** `starling report <run-dir>... [--out report.html] [--png DIR]` */
export const reportCommand = defineCommand({
  command: 'report <runs..>',
  describe: 'one self-contained HTML page of plots over run folders (overlaid), optionally PNG figures',
  builder: (y) =>
    y
      .positional('runs', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'run folders (runs/<name>-<time>)',
      })
      .option('out', { type: 'string', default: 'report.html', describe: 'the HTML file to write' })
      .option('png', {
        type: 'string',
        describe: 'also write the main figures as PNG files into this folder (needs Chromium)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print what was written as JSON' }),
  handler: async (args) => {
    const { reportFromCli } = await import('../tools/report/report.js');
    await reportFromCli({ runs: args.runs, out: args.out, png: args.png, json: args.json });
  },
});
