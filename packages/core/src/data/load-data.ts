import type { Rng } from '../rng/rng.js';
import type { LoadedData } from './data-kind.js';
import { type DataInputSpec, dataKinds } from './data-spec.js';

export type { LoadedData } from './data-kind.js';

/** Options of {@link loadData}. */
export interface LoadDataOptions {
  /** folder that relative `idx` paths resolve against (the config file's folder); default the cwd */
  baseDir?: string;
  /** option path used in error messages; default `data` */
  path?: string;
}

/**
 * Loads the data an experiment asks for (see {@link DataSpec} and docs/data.md). Options are
 * validated first by the kind's schema, with errors such as `data.testFraction must be < 1, got 1.5`;
 * unreadable or corrupt files give `data` errors naming the file. Randomness comes from
 * `rng.fork('data')` only.
 */
export function loadData(spec: DataInputSpec, rng: Rng, opts: LoadDataOptions = {}): LoadedData {
  const path = opts.path ?? 'data';
  const kind = dataKinds.require(typeof spec === 'object' && spec !== null ? spec.kind : undefined, `${path}.kind`);
  return kind.load(spec, path, { rng: rng.fork('data'), baseDir: opts.baseDir });
}
