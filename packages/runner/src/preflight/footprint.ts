/**
 * What a run will hold in memory, in counts rather than bytes: drivers fill it in from the prepared
 * run, {@link estimateMemory} prices it. Every count is a number of float32 (or int32) values unless
 * named `Bytes`.
 */
export interface RunFootprint {
  /** Model parameters P. */
  readonly params: number;
  /** Bytes of the loaded data set (features, labels, train and test), as one process holds it. */
  readonly dataBytes: number;
  /** Registered clients (federated) or peers (gossip). */
  readonly clients: number;
  /** Most clients whose persistent state can exist at once: those that can have trained by the end. */
  readonly clientsWithState: number;
  /** Persistent floats per client that has trained (optimizer moments, error-feedback memory), in units of P. */
  readonly stateVectorsPerClient: number;
  /** Model-sized vectors the coordinating process holds at once (global, aggregate, server optimizer state, downlink copies, one update per participant). */
  readonly serverVectors: number;
  /** Model-sized vectors each executor (main thread or pool thread) reuses (local model, gradient, delta, batch). */
  readonly executorVectors: number;
  /** Floats of the model's work buffers (activations, deltas) each executor holds; absent: 0 (dense models). */
  readonly executorWorkFloats?: number;
  /** Where the hosts run. */
  readonly hosts: { readonly processes: number; readonly threadsPerProcess: number; readonly inProcess: boolean };
}
