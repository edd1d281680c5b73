import { jsConvKernels, type Kernels, type Model, Rng } from '@starling/core';
import { type NodeSetup, VirtualClients } from '@starling/worker';
import type { KernelCallsPlan } from './explanation.js';

/**
 * `kernels` with every method call counted into `counts` by name (methods of nested kernel tables such as
 * `compress` as `compress.<name>`). Results and arguments pass through unchanged.
 */
export function countingKernels(kernels: Kernels, counts: Map<string, number>): Kernels {
  const wrap = <T extends object>(target: T, prefix: string): T =>
    new Proxy(target, {
      get(t, prop, receiver) {
        const v: unknown = Reflect.get(t, prop, receiver);
        const name = `${prefix}${String(prop)}`;
        // A bf16 model (model.precision) runs on the kernels `atPrecision` returns: count those too.
        if (prop === 'atPrecision' && typeof v === 'function') {
          return (p: 'fp32' | 'bf16') => wrap(Reflect.apply(v, t, [p]) as Kernels, prefix);
        }
        if (typeof v === 'function') {
          return (...args: unknown[]) => {
            counts.set(name, (counts.get(name) ?? 0) + 1);
            return Reflect.apply(v, t, args);
          };
        }
        if (typeof v === 'object' && v !== null) return wrap(v, `${name}.`);
        return v;
      },
    });
  return wrap(kernels, '');
}

/**
 * Counts the kernel calls of one local round: client (or peer) `id` trains round 0 from the initial
 * model (`fork('model')`, as the run initialises it) on a scratch copy, with its own data and seed
 * streams, through counting kernels. Nothing of the run is touched; the cost is one client's round.
 * `clientsPerRound` scales it to a round.
 */
export function kernelCallsPlan(
  setup: NodeSetup,
  parts: readonly Int32Array[],
  model: Model,
  seed: number,
  kernels: Kernels,
  id: number,
  clientsPerRound: number,
): KernelCallsPlan {
  const counts = new Map<string, number>();
  // Convolutional models fall back to the reference conv kernels when `kernels.conv` is absent: count those too.
  const withConv: Kernels = kernels.conv ? kernels : Object.assign(Object.create(kernels), { conv: jsConvKernels });
  const clients = new VirtualClients(setup, parts, countingKernels(withConv, counts));
  const global = new Float32Array(model.layout.size);
  model.init(global, Rng.fromSeed(seed).fork('model'));
  counts.clear(); // VirtualClients' construction may probe the kernels: count the round only
  // Consensus peers hold no data and take no step: no local round to count.
  const trains = (parts[id]?.length ?? 0) > 0 && setup.local.maxSteps !== 0;
  if (trains) clients.train(id, global, 0, setup.local, new Float32Array(global.length));
  const perClient = Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)));
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return {
    per_client: perClient,
    per_client_total: total,
    clients_per_round: clientsPerRound,
    per_round: Math.round(total * clientsPerRound),
    measured_on: `a scratch copy of node ${id}'s round 0 (${kernels.backend} kernels); local training only`,
  };
}
