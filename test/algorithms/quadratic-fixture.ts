import {
  ClientExecutor,
  DenseNet,
  freshOptimizerMemory,
  jsKernels,
  type LocalPlan,
  type LocalResult,
  Optimizer,
  Rng,
  type TrainingData,
} from '@starling/core';
import {
  type Aggregator,
  meanAggregator,
  RoundMachine,
  runInline,
  type ScaffoldControl,
  ServerOptimizer,
  withFedNova,
  withScaffold,
} from '@starling/server';
import { ScaffoldClients } from '@starling/worker';

/**
 * Non-IID least squares on a linear model with MSE loss: client i holds n_i examples whose features are
 * scaled and shifted per client and whose targets follow its own weights. With the loss
 * f_i(w) = (1/n_i) Σ (x̃·w − y)² (x̃ = [x, 1]), ∇f_i = A_i w − b_i with A_i = (2/n_i) X̃ᵀX̃ and
 * b_i = (2/n_i) X̃ᵀy: every closed form below is in float64 from the same float32 data.
 */
export interface Quadratic {
  readonly data: TrainingData;
  readonly parts: Int32Array[];
  readonly model: DenseNet;
  /** P = d + 1 (weights then bias, the model's layout). */
  readonly size: number;
  readonly A: number[][][];
  readonly b: number[][];
  /** p_i = n_i / Σ n. */
  readonly p: number[];
}

/** Client sizes `sizes`, d features; deterministic from `seed`. */
export function makeQuadratic(sizes: readonly number[], d: number, seed = 7): Quadratic {
  const rng = Rng.fromSeed(seed);
  const n = sizes.reduce((a, s) => a + s, 0);
  const x = new Float32Array(n * d);
  const y = new Float32Array(n);
  const parts: Int32Array[] = [];
  let row = 0;
  for (const [i, ni] of sizes.entries()) {
    const r = rng.fork('client', i);
    const w = Array.from({ length: d }, () => 2 * r.normal());
    const scale = 0.6 + 0.4 * i;
    const idx = new Int32Array(ni);
    for (let k = 0; k < ni; k++, row++) {
      idx[k] = row;
      let t = 0.5 * i;
      for (let j = 0; j < d; j++) {
        x[row * d + j] = scale * r.normal() + 0.3 * i;
        t += w[j] * x[row * d + j];
      }
      y[row] = t + 0.1 * r.normal();
    }
    parts.push(idx);
  }
  const size = d + 1;
  const A: number[][][] = [];
  const b: number[][] = [];
  for (const idx of parts) {
    const Ai = zeros(size, size);
    const bi = new Array<number>(size).fill(0);
    for (const r of idx) {
      const xt = [...Array.from(x.subarray(r * d, r * d + d)), 1];
      for (let u = 0; u < size; u++) {
        bi[u] += (2 / idx.length) * xt[u] * y[r];
        for (let v = 0; v < size; v++) Ai[u][v] += (2 / idx.length) * xt[u] * xt[v];
      }
    }
    A.push(Ai);
    b.push(bi);
  }
  const model = new DenseNet({ inputs: d, hidden: [], outputs: 1, activation: 'relu', init: 'xavier' });
  return { data: { x, y, n, d, classes: 0 }, parts, model, size, A, b, p: sizes.map((s) => s / n) };
}

export function zeros(r: number, c: number): number[][] {
  return Array.from({ length: r }, () => new Array<number>(c).fill(0));
}

function matVec(M: number[][], v: readonly number[]): number[] {
  return M.map((row) => row.reduce((a, m, j) => a + m * v[j], 0));
}

/** Solves M x = r by Gaussian elimination with partial pivoting (float64). */
export function solve(M: number[][], r: readonly number[]): number[] {
  const n = r.length;
  const a = M.map((row, i) => [...row, r[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(a[i][c]) > Math.abs(a[piv][c])) piv = i;
    [a[c], a[piv]] = [a[piv], a[c]];
    for (let i = c + 1; i < n; i++) {
      const f = a[i][c] / a[c][c];
      for (let j = c; j <= n; j++) a[i][j] -= f * a[c][j];
    }
  }
  const out = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = a[i][n];
    for (let j = i + 1; j < n; j++) s -= a[i][j] * out[j];
    out[i] = s / a[i][i];
  }
  return out;
}

/**
 * The fixed point x of Σ_i c_i S_i (A_i x − b_i) = 0 with S_i = η Σ_{k<τ_i} (I − η A_i)^k: τ_i full-batch
 * GD steps from x move client i by −S_i (A_i x − b_i), so FedAvg (c_i = p_i) and FedNova (c_i = p_i/τ_i)
 * stop exactly there. `c` are the coefficients.
 */
export function gdFixedPoint(q: Quadratic, eta: number, tau: readonly number[], c: readonly number[]): number[] {
  const P = q.size;
  const lhs = zeros(P, P);
  const rhs = new Array<number>(P).fill(0);
  for (let i = 0; i < tau.length; i++) {
    // S_i applied to each column of A_i and to b_i: v ← η Σ_k M^k v by Horner's scheme.
    const S = (v: readonly number[]) => {
      let acc = [...v];
      for (let k = 1; k < tau[i]; k++) {
        const m = matVec(q.A[i], acc);
        acc = acc.map((a, j) => v[j] + a - eta * m[j]);
      }
      return acc.map((a) => eta * a);
    };
    for (let col = 0; col < P; col++) {
      const s = S(q.A[i].map((row) => row[col]));
      for (let r = 0; r < P; r++) lhs[r][col] += c[i] * s[r];
    }
    const sb = S(q.b[i]);
    for (let r = 0; r < P; r++) rhs[r] += c[i] * sb[r];
  }
  return solve(lhs, rhs);
}

/** argmin Σ_i c_i f_i: (Σ c_i A_i) x = Σ c_i b_i. */
export function weightedOptimum(q: Quadratic, c: readonly number[]): number[] {
  const lhs = zeros(q.size, q.size);
  const rhs = new Array<number>(q.size).fill(0);
  for (let i = 0; i < c.length; i++) {
    for (let r = 0; r < q.size; r++) {
      rhs[r] += c[i] * q.b[i][r];
      for (let s = 0; s < q.size; s++) lhs[r][s] += c[i] * q.A[i][r][s];
    }
  }
  return solve(lhs, rhs);
}

export function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

export type Algo = 'fedavg' | 'fedprox' | 'fednova' | 'scaffold';

/** What {@link federate} runs. */
export interface FederateOptions {
  readonly algo: Algo;
  readonly eta: number;
  /** Full-batch GD steps (local epochs of batch n_i) per client. */
  readonly tau: readonly number[];
  readonly rounds: number;
  readonly mu?: number;
  /** Clients per round (default: all). */
  readonly perRound?: number;
  readonly start?: Float32Array;
}

/**
 * Runs the algorithm through the library's own parts (ClientExecutor, RoundMachine with the mean
 * aggregator and its FedNova/SCAFFOLD wrapper, ScaffoldClients, runInline) and returns the final model
 * and, per round, the model after it.
 */
export async function federate(q: Quadratic, o: FederateOptions): Promise<{ x: Float32Array; trace: Float32Array[] }> {
  const kernels = jsKernels;
  const executor = new ClientExecutor(q.model, 'mse', kernels, q.data);
  const optimizer = new Optimizer({ kind: 'sgd', lr: o.eta, weightDecay: 0 }, q.size, kernels);
  const clients = {
    has: (id: number) => id >= 0 && id < q.parts.length,
    train(
      id: number,
      global: Float32Array,
      round: number,
      plan: LocalPlan,
      delta: Float32Array,
      correction?: Float32Array,
    ): LocalResult {
      optimizer.bind(freshOptimizerMemory());
      const job = { id, indices: q.parts[id], rng: Rng.fromSeed(1).fork('node', id), optimizer, correction };
      return executor.train(job, global, round, { ...plan, epochs: o.tau[id] }, delta);
    },
  };
  const control: ScaffoldControl = { c: new Float32Array(q.size) };
  let aggregator: Aggregator = meanAggregator();
  if (o.algo === 'fednova') aggregator = withFedNova(aggregator);
  if (o.algo === 'scaffold') aggregator = withScaffold(aggregator, { share: (i) => q.p[i], lr: o.eta, control });
  const global = o.start ? o.start.slice() : new Float32Array(q.size);
  const ids = q.parts.map((_, i) => i);
  const participation = o.perRound
    ? { kind: 'count' as const, value: o.perRound }
    : { kind: 'fraction' as const, value: 1 };
  const plan = { rounds: o.rounds, participation, minCompletion: 1, deadlineMs: null, maxClientWeight: 1 };
  const machine = new RoundMachine(
    global,
    ids,
    plan,
    new ServerOptimizer({ kind: 'plain' }),
    kernels,
    Rng.fromSeed(3),
    {
      aggregator,
    },
  );
  const trainer = o.algo === 'scaffold' ? new ScaffoldClients(clients, control, o.eta, kernels) : clients;
  const local: LocalPlan = {
    epochs: 1,
    batchSize: null,
    ...(o.algo === 'fedprox' ? { proximalMu: o.mu } : {}),
    ...(o.algo === 'fednova' ? { normalizeBySteps: true } : {}),
  };
  const trace: Float32Array[] = [];
  await runInline(machine, trainer, local, () => {
    trace.push(machine.params.slice());
  });
  return { x: machine.params, trace };
}
