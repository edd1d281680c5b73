/**
 * `starling run` arguments for a one-hidden-layer MLP of `hidden` units on a small slice of MNIST: 10
 * clients, 2 per round, 2 rounds, 500 training and 100 test examples, native kernels. Its model-sized
 * vectors dominate every other cost, which is what the big-model and memory tests need.
 */
export function bigMlpArgs(hidden: number): string[] {
  const sets = [
    `model.hidden=[${hidden}]`,
    'model.init=xavier',
    'algorithm.rounds=2',
    'algorithm.clients=10',
    'algorithm.fraction=0.2',
    'data.limit=500',
    'data.testLimit=100',
    'eval.every=100',
  ];
  return ['experiments/fedavg-mnist-iid.yaml', '--kernels', 'native', ...sets.flatMap((s) => ['--set', s])];
}
