/**
 * The one error type Starling throws on purpose. `code` says what kind of failure it is; the CLI maps
 * `usage`, `config`, `data`, `privacy` and `resources` codes to exit code 2, `interrupted` to 130 (128 + SIGINT,
 * what a shell reports for Ctrl-C) and everything else to exit code 1.
 */
export type StarlingErrorCode =
  | 'config' // an experiment config or option is invalid
  | 'usage' // CLI arguments are invalid
  | 'data' // a data file is missing, corrupt or has the wrong shape
  | 'backend' // the requested kernel backend cannot be loaded
  | 'protocol' // a network message violates the wire protocol
  | 'privacy' // the planned run would exceed its privacy budget (refused before it starts)
  | 'resources' // the planned run would not fit the machine (memory pre-flight; refused before it starts)
  | 'runtime' // a run failed while executing
  | 'diverged' // training produced NaN or ±Inf (a run failed while executing; the message names the likely cause)
  | 'interrupted' // the run was stopped by a signal (SIGINT/SIGTERM) or an AbortSignal
  | 'internal'; // an invariant of Starling itself was broken

/** Codes that mean "the user asked for something invalid" (exit code 2): a plan over budget or over memory is a config problem. */
export const USAGE_CODES: ReadonlySet<StarlingErrorCode> = new Set(['config', 'usage', 'data', 'privacy', 'resources']);

/** An error with a machine-readable `code` and an optional ES2022 `cause`. */
export class StarlingError extends Error {
  readonly code: StarlingErrorCode;
  /** For config errors: the option path such as `optimizer.lr`. */
  readonly path: string | undefined;

  constructor(code: StarlingErrorCode, message: string, options: { cause?: unknown; path?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StarlingError';
    this.code = code;
    this.path = options.path;
  }
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * The factories every Starling error goes through, so that messages live in one place.
 * Option errors read `<path> must be <expected>, got <found>`.
 */
export const errors = {
  /** An option outside its domain: `compressor.ratio must be in (0, 1], got 1.5`. */
  option(path: string, expected: string, found: unknown): StarlingError {
    return new StarlingError('config', `${path} must be ${expected}, got ${show(found)}`, { path });
  },
  /** An unknown plug-in name in a registry. */
  unknownKind(path: string, found: string, known: readonly string[]): StarlingError {
    return new StarlingError('config', `${path} must be one of ${known.join(', ')}, got ${show(found)}`, { path });
  },
  /** A shape or length mismatch between arrays handed to a function. */
  shape(what: string, expected: number | string, found: number | string): StarlingError {
    return new StarlingError('internal', `${what}: expected ${expected}, got ${found}`);
  },
  /** A data file that cannot be used. */
  data(file: string, problem: string, cause?: unknown): StarlingError {
    return new StarlingError('data', `${file}: ${problem}`, { cause });
  },
  /** A command-line usage error. */
  usage(message: string): StarlingError {
    return new StarlingError('usage', message);
  },
  /** A wire-protocol violation by a peer. */
  protocol(message: string): StarlingError {
    return new StarlingError('protocol', message);
  },
  /** The kernel backend could not be loaded. */
  backend(message: string, cause?: unknown): StarlingError {
    return new StarlingError('backend', message, { cause });
  },
  /** A privacy budget violation. */
  privacy(message: string): StarlingError {
    return new StarlingError('privacy', message);
  },
  /** A failure while running. */
  runtime(message: string, cause?: unknown): StarlingError {
    return new StarlingError('runtime', message, { cause });
  },
  /** Training went non-finite (NaN or ±Inf in a model, an update or a loss). */
  diverged(message: string): StarlingError {
    return new StarlingError('diverged', message);
  },
  /** The run was asked to stop (a signal or an aborted `AbortSignal`); it stopped at `where`. */
  interrupted(where: string): StarlingError {
    return new StarlingError('interrupted', `interrupted ${where}`);
  },
} as const;
