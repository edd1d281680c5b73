/** What `summary.json` holds (and `starling run --json` prints). Fields are never renamed. */
export interface RunSummary {
  name: string;
  test_accuracy: number | null;
  test_loss: number | null;
  rounds: number;
  bytes_up: number;
  bytes_down: number;
  epsilon: number | null;
  wall_s: number;
  backend: string;
  /** SIMD level of the native kernels (null for js). */
  simd: string | null;
  runtime: string;
  model_sha256: string;
  out: string;
  /**
   * Driver fields (see docs/run-folder.md and docs/config.md): federated runs add `stopped_early`, `privacy`,
   * `payload_bytes_up`/`_down` and `theoretical_bits_up`; gossip runs add `consensus_error`,
   * `node_accuracy_mean`/`_std`, `peers_lost`, `payload_bytes` and `gossip_compression`.
   */
  [field: string]: unknown;
}
