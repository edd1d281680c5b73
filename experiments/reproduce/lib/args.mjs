// Command-line options of experiments/reproduce/all.mjs.

/** The tables all.mjs knows, in the order it runs them. */
export const TABLES = ['table2', 'dp'];

/** The partitions of Table 2, in the order it runs them. */
export const PARTITION_KEYS = ['iid', 'noniid'];

const USAGE = `usage: node experiments/reproduce/all.mjs [--quick | --short] [--model cnn|2nn] [--only ${TABLES.join(',')}]
                   [--partition iid|noniid] [--out DIR] [--runtime inline|threads|processes] [--kernels native|js] [--verify] [--dry-run]`;

/**
 * Parses argv (without node and the script). Throws an Error whose message starts with the usage on a
 * bad option. Defaults: the full version, the CNN, every table (both partitions of Table 2), out
 * `runs/reproduce-<time>`.
 * @param {string[]} argv
 */
export function parseArgs(argv) {
  const o = {
    quick: false,
    short: false,
    partitions: [...PARTITION_KEYS],
    model: 'cnn',
    only: [...TABLES],
    out: null,
    runtime: 'inline',
    kernels: null,
    verify: false,
    dryRun: false,
  };
  const value = (i, name) => {
    if (i >= argv.length || argv[i].startsWith('--')) throw new Error(`${USAGE}\n${name} needs a value`);
    return argv[i];
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') o.quick = true;
    else if (a === '--short') o.short = true;
    else if (a === '--partition') o.partitions = value(++i, a).split(',');
    else if (a === '--verify') o.verify = true;
    else if (a === '--dry-run') o.dryRun = true;
    else if (a === '--model') o.model = value(++i, a);
    else if (a === '--only') o.only = value(++i, a).split(',');
    else if (a === '--out') o.out = value(++i, a);
    else if (a === '--runtime') o.runtime = value(++i, a);
    else if (a === '--kernels') o.kernels = value(++i, a);
    else if (a === '--help' || a === '-h') throw new Error(USAGE);
    else throw new Error(`${USAGE}\nunknown option ${a}`);
  }
  if (o.quick && o.short) throw new Error(`${USAGE}\n--quick and --short are two versions: give one`);
  for (const p of o.partitions) {
    if (!PARTITION_KEYS.includes(p)) throw new Error(`${USAGE}\n--partition must be iid or noniid, got ${p}`);
  }
  if (!['cnn', '2nn'].includes(o.model)) throw new Error(`${USAGE}\n--model must be cnn or 2nn, got ${o.model}`);
  for (const t of o.only) {
    if (!TABLES.includes(t)) throw new Error(`${USAGE}\n--only: unknown table ${t} (tables: ${TABLES.join(', ')})`);
  }
  if (!['inline', 'threads', 'processes'].includes(o.runtime)) {
    throw new Error(`${USAGE}\n--runtime must be inline, threads or processes, got ${o.runtime}`);
  }
  if (o.kernels !== null && !['native', 'js'].includes(o.kernels)) {
    throw new Error(`${USAGE}\n--kernels must be native or js, got ${o.kernels}`);
  }
  return o;
}
