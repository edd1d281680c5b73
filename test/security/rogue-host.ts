// A scripted hostile host for the security tests: a real DEALER (in this process) that registers with a
// parameter server like `starling worker` and answers every task with a forged update.
import { DealerEndpoint, type IncomingMessage } from '@starling/transport';
import { onTestFinished } from 'vitest';

/** How the rogue host forges its updates. */
export interface RogueOptions {
  readonly address: string;
  readonly id: string;
  /** Every entry of every update Δ it sends (finite: 1e30, 3e38). */
  readonly value: number;
  /** The sample weight it declares for a node assigned `samples` (default: the assigned count). */
  readonly weight?: (samples: number) => number;
  /** Extra hello fields (e.g. a gossip `endpoint`, to pose as the wrong kind of host). */
  readonly hello?: { readonly endpoint?: string };
}

/** Starts the rogue host; it is closed when the test ends. Returns what it received. */
export function rogueWorker(o: RogueOptions) {
  const received: IncomingMessage[] = [];
  const partition = new Map<number, number>();
  let size = 0;
  const endpoint = DealerEndpoint.connect(o.address, {
    routingId: o.id,
    heartbeatMs: 250,
    peerTimeoutMs: 5000,
    onMessage: (m) => {
      received.push(m);
      const h = m.header;
      if (h.type === 'welcome') {
        endpoint.setRun(h.run);
        const config = h.config as { partition: Record<string, number[]>; layout: { size: number } };
        size = config.layout.size;
        for (const [node, idx] of Object.entries(config.partition)) partition.set(Number(node), idx.length);
      } else if (h.type === 'task') {
        for (const node of h.nodes) {
          const samples = partition.get(node) ?? 1;
          const delta = new Float32Array(size).fill(o.value);
          const weight = o.weight ? o.weight(samples) : samples;
          const header = { type: 'update', round: h.round, node, weight, metrics: { train_loss: 0.1 } } as const;
          void endpoint.send(header, [{ name: 'delta', data: delta }]);
        }
      }
    },
  });
  const hello = () =>
    void endpoint.send({
      type: 'hello',
      round: 0,
      node: -1,
      host: o.id,
      caps: { kernels: 'js', cores: 1, version: '0.1.0' },
      nodes: [],
      ...(o.hello?.endpoint ? { endpoint: o.hello.endpoint } : {}),
    });
  hello();
  // Says hello every second until welcomed or told bye, like a real host.
  const timer = setInterval(() => {
    if (!received.some((m) => m.header.type === 'welcome' || m.header.type === 'bye')) hello();
  }, 1000);
  onTestFinished(async () => {
    clearInterval(timer);
    await endpoint.close({ lingerMs: 0 });
  });
  const byes = () => received.flatMap((m) => (m.header.type === 'bye' ? [m.header.reason] : []));
  return { endpoint, received, byes };
}
