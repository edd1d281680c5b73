import type { z } from 'zod';
import { errors } from '../errors.js';
import { KindTable } from '../spec/kind-table.js';
import { parseSpec } from '../spec/parse-spec.js';
import type { CompressorEntry, CompressorSpecBase } from './compressor-entry.js';
import { bf16Compressor, fp16Compressor, noneCompressor } from './dense.js';
import { dropoutCompressor } from './dropout.js';
import { powerSgdCompressor } from './power-sgd.js';
import { qsgdCompressor } from './qsgd.js';
import { randKCompressor } from './random-k.js';
import { signCompressor } from './scaled-sign.js';
import { topKCompressor } from './top-k.js';
import { HEADER_BYTES, type PayloadHeader, WIRE_VERSION } from './wire.js';

/**
 * The built-in compressor kinds, in the order of their wire ids (0, 1, 2, …; see `docs/compression.md`).
 * Adding a kind: its file (schema, encoder factory, decoder, properties; see `CompressorEntry`), one
 * line here with the next free wire id, and its row in docs/compression.md.
 */
const BUILTIN = [
  noneCompressor,
  fp16Compressor,
  bf16Compressor,
  qsgdCompressor,
  signCompressor,
  topKCompressor,
  randKCompressor,
  dropoutCompressor,
  powerSgdCompressor,
] as const;

/** A built-in compressor kind. */
export type BuiltinCompressorKind = (typeof BUILTIN)[number]['kind'];

/** The built-in compressor kinds, in the order of their wire ids (see `docs/compression.md`). */
export const COMPRESSOR_KINDS: readonly BuiltinCompressorKind[] = BUILTIN.map((entry) => entry.kind);

/**
 * A compressor as written in config, e.g. `{ kind: 'topk', ratio: 0.01, errorFeedback: true }`.
 * `errorFeedback` (default false) wraps any kind in EF-SGD; `unbiased` (default false) rescales
 * random-k by d/k and dropout by 1/p. Options per kind: docs/compression.md.
 */
export type CompressorSpec = z.input<(typeof BUILTIN)[number]['schema']>;

/** A validated compressor spec with its defaults filled in. */
export type ResolvedCompressorSpec = z.output<(typeof BUILTIN)[number]['schema']>;

/** The `compressors` table: every kind by name, in wire-id order. */
export const compressors = new KindTable<CompressorSpecBase, CompressorEntry>('compressor');
const byWireId = new Map<number, CompressorEntry>();

/**
 * Adds a compressor kind to the table (built-ins are registered here; plug-ins and test fixtures call
 * it before they build configs). Its wire id must be an unused integer in [0, 255].
 */
export function registerCompressor<S extends CompressorSpecBase>(entry: CompressorEntry<S>): void {
  const id = entry.wireId;
  if (!Number.isInteger(id) || id < 0 || id > 255 || byWireId.has(id)) {
    throw errors.runtime(`compressor kind "${entry.kind}": wire id ${id} is not a free integer in [0, 255]`);
  }
  compressors.register(entry);
  byWireId.set(id, entry);
}

for (const entry of BUILTIN) registerCompressor(entry);

/**
 * The schema of one compressor spec (any registered kind), composed by the CLI's `compression` section.
 * Typed by the built-in kinds' outputs; a kind registered later passes through as its own schema makes it.
 */
export const compressorSchema = compressors.schema as z.ZodType<ResolvedCompressorSpec, unknown>;

/**
 * Validates a compressor spec from config and fills its defaults; errors name the option path under
 * `path`, e.g. `compression.up.ratio must be <= 1, got 1.5`. Unknown options are rejected.
 */
export function parseCompressorSpec(raw: unknown, path = 'compression'): ResolvedCompressorSpec {
  return parseSpec(compressorSchema, raw, path);
}

/** The table entry of a validated spec's kind. */
export function compressorEntry(kind: string): CompressorEntry {
  const entry = compressors.get(kind);
  if (entry === undefined) throw errors.protocol(`compressor kind ${kind} is not registered`);
  return entry;
}

/** Reads and validates the common header of an untrusted payload; its kind id must be registered. */
export function readHeader(bytes: Uint8Array): PayloadHeader {
  if (!(bytes instanceof Uint8Array)) throw errors.protocol('compressed payload must be a Uint8Array');
  if (bytes.length < HEADER_BYTES) {
    throw errors.protocol(`compressed payload: header truncated (${bytes.length} bytes, needs ${HEADER_BYTES})`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(0);
  if (version !== WIRE_VERSION) {
    throw errors.protocol(`compressed payload: version ${version} is not supported (expected ${WIRE_VERSION})`);
  }
  const id = view.getUint8(1);
  const entry = byWireId.get(id);
  if (entry === undefined) {
    const known = [...byWireId.values()].map((e) => `${e.wireId} ${e.kind}`).join(', ');
    throw errors.protocol(`compressed payload: unknown compressor id ${id} (known: ${known})`);
  }
  return { kind: entry.kind, flags: view.getUint16(2, true), length: view.getUint32(4, true) };
}
