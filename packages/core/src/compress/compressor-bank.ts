import type { Layout } from '../layout.js';
import type { Compressor, CompressorState } from './compressor.js';
import { parseCompressorSpec } from './compressors.js';
import { type MakeCompressorOptions, makeCompressor } from './make-compressor.js';

/**
 * One compressor per key (e.g. node id) for one link direction, all built from the same spec, made on
 * first use. Keeps stateful compressors (error-feedback memory, PowerSGD warm starts) apart per
 * (node, direction) and checkpoints them together: make one bank per direction (`up`, `down`, `gossip`).
 */
export class CompressorBank {
  private readonly compressors = new Map<string, Compressor>();

  /** Validates `spec` at once, so a bad config fails before the first round. */
  constructor(
    private readonly spec: unknown,
    private readonly layout: Layout,
    private readonly options: MakeCompressorOptions = {},
  ) {
    parseCompressorSpec(spec, options.path);
  }

  /** The compressor for `key`, created on first use. */
  get(key: string | number): Compressor {
    const name = String(key);
    let c = this.compressors.get(name);
    if (c === undefined) {
      c = makeCompressor(this.spec, this.layout, this.options);
      this.compressors.set(name, c);
    }
    return c;
  }

  /** Every compressor's state by key (stateless ones give `{}`). */
  state(): Record<string, CompressorState> {
    const out: Record<string, CompressorState> = {};
    for (const [key, c] of this.compressors) out[key] = c.state();
    return out;
  }

  /** Restores states saved by `state()`; compressors are created as needed. */
  load(states: Readonly<Record<string, CompressorState>>): void {
    for (const [key, s] of Object.entries(states)) this.get(key).load(s);
  }
}
