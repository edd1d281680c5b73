/** An update as it reaches an asynchronous server, in arrival order. */
export interface ArrivedUpdate {
  readonly client: number;
  /** Server model versions applied between the client's download and this arrival (≥ 0). */
  readonly staleness: number;
  /** Examples the client trained on (n_k). */
  readonly samples: number;
  readonly trainLoss: number;
  /**
   * What the rule made of the client's result at dispatch ({@link AsyncRule.atDispatch}): the update Δ,
   * or for FedAsync the client's model x_τ + Δ. Owned by the simulation: read it during `arrive` only.
   */
  readonly vector: Float32Array;
}

/** What one server model update applied (a metrics round of an asynchronous run). */
export interface AppliedUpdate {
  /** Staleness of each update it applied, in the order applied. */
  readonly staleness: readonly number[];
  /** Σ n_k over the applied updates and their sample-weighted mean training loss (NaN-free input). */
  readonly samples: number;
  readonly trainLoss: number | null;
  /** Why the model was left unchanged (a non-finite aggregate), or null when it moved. */
  readonly refused: string | null;
}

/**
 * The server side of an asynchronous algorithm (FedAsync, FedBuff): what it keeps of a client's result
 * when the client is dispatched, and what it does with each update as it arrives. A rule never sees
 * wall time or thread order: the simulation calls it in (virtual time, client id) order.
 */
export interface AsyncRule {
  readonly kind: 'fedasync' | 'fedbuff';
  /**
   * True when {@link atDispatch} reads the model the client downloaded (FedAsync keeps x_τ + Δ): a server
   * that receives updates over sockets must then keep the model of every version still in flight.
   */
  readonly readsDispatchModel: boolean;
  /**
   * Called right after a client trained from `model` (the version it downloaded) and wrote its update Δ
   * into `delta`: may rewrite `delta` in place (FedAsync keeps the client model x_τ + Δ).
   */
  atDispatch(model: Float32Array, delta: Float32Array): void;
  /** An update arrived: returns what the server applied to `model`, or null when it only buffered it. */
  arrive(update: ArrivedUpdate, model: Float32Array): AppliedUpdate | null;
  /**
   * Updates held and not yet applied (FedBuff's buffer), in arrival order; the simulation must keep
   * their vectors alive.
   */
  readonly holding: readonly ArrivedUpdate[];
  /** Puts checkpointed held updates back, in their arrival order (a resumed run, before any arrival). */
  hold(updates: readonly ArrivedUpdate[]): void;
}
