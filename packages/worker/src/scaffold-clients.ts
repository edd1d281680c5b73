import { errors, type Kernels, type LocalPlan, type LocalResult } from '@starling/core';

/**
 * SCAFFOLD's option II client update after a round of τ = `steps` local SGD steps at rate `lr` that
 * produced Δy = `delta`: c_i ← c_i − c − Δy/(τ η), in place on `ci`. The same kernel calls in every
 * runtime (inline clients and worker pool threads).
 */
export function updateControlVariate(
  kernels: Kernels,
  c: Float32Array,
  ci: Float32Array,
  delta: Float32Array,
  steps: number,
  lr: number,
): void {
  if (steps < 1) throw errors.runtime('scaffold: a client took no local step');
  kernels.axpy(-1, c, ci);
  kernels.axpy(-1 / (steps * lr), delta, ci);
}

/** Clients that train with a gradient correction ({@link VirtualClients}, or a test's own). */
export interface CorrectableClients {
  has(id: number): boolean;
  train(
    id: number,
    global: Float32Array,
    round: number,
    plan: LocalPlan,
    delta: Float32Array,
    correction?: Float32Array,
  ): LocalResult;
}

/**
 * SCAFFOLD's client side in an inline run (Karimireddy et al. 2020, option II): each client keeps its
 * control variate c_i (model length, created at 0 on its first round, so memory grows with the clients
 * that have taken part), trains with the gradient g − c_i + c (`correction` = c − c_i) and then sets
 * c_i ← c_i − c − Δy / (τ η), i.e. c_i⁺ = c_i − c + (x − y_i)/(τ η) with τ the steps it took. It sends
 * Δy only; the server derives Δc from it (`withScaffold` in @starling/server). c is read from the server's `control`,
 * which is what the round's downlink carries (its bytes are counted per participant).
 */
export class ScaffoldClients {
  private readonly variates = new Map<number, Float32Array>();
  private readonly correction: Float32Array;

  constructor(
    private readonly inner: CorrectableClients,
    private readonly control: { readonly c: Float32Array },
    private readonly lr: number,
    private readonly kernels: Kernels,
  ) {
    this.correction = new Float32Array(control.c.length);
  }

  /** Whether `id` is a registered client. */
  has(id: number): boolean {
    return this.inner.has(id);
  }

  /** Trains client `id` with its correction c − c_i, writes Δy into `delta` and updates c_i. */
  train(id: number, global: Float32Array, round: number, plan: LocalPlan, delta: Float32Array): LocalResult {
    const { c } = this.control;
    let ci = this.variates.get(id);
    if (!ci) this.variates.set(id, (ci = new Float32Array(c.length)));
    this.kernels.sub(c, ci, this.correction);
    const r = this.inner.train(id, global, round, plan, delta, this.correction);
    updateControlVariate(this.kernels, c, ci, delta, r.steps, this.lr);
    return r;
  }

  /** Copies of every c_i held, by client id. */
  state(): Map<number, Float32Array> {
    return new Map([...this.variates].map(([id, v]) => [id, v.slice()]));
  }

  /** Restores c_i from {@link state} (copied); clients not named start at 0. */
  load(variates: ReadonlyMap<number, Float32Array>): void {
    this.variates.clear();
    for (const [id, v] of variates) {
      if (v.length !== this.correction.length)
        throw errors.shape(`client ${id}'s control variate`, this.correction.length, v.length);
      this.variates.set(id, v.slice());
    }
  }
}
