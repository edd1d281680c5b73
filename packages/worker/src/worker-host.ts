import { availableParallelism, hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { CompressorState, OptimizerState, StarlingError } from '@starling/core';
import {
  DealerEndpoint,
  type DecodedTensor,
  type EndpointLog,
  type IncomingMessage,
  type NonFiniteScan,
} from '@starling/transport';
import { Piscina } from 'piscina';
import { parseHostSetup } from './host-setup-schema.js';
import { loadKernels } from './kernel-choice.js';
import { ModelReceiver } from './model-receiver.js';
import type { HostSetup } from './node-setup.js';
import { refuseWelcome } from './refuse-welcome.js';
import type { TrainResult, TrainTask } from './train-task.js';

/** The slice of a pino logger the host uses. */
export interface HostLog extends EndpointLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** How a worker host connects and how many threads train its nodes. */
export interface WorkerHostOptions {
  /** The server's endpoint, e.g. `tcp://10.0.0.5:7000` or `ipc:///tmp/starling.sock`. */
  readonly connect: string;
  /** A unique host id (letters, digits, `._:-`); default `<hostname>-<pid>`. */
  readonly hostId?: string;
  /** Pool threads that train nodes (default: the machine's cores). */
  readonly threads?: number;
  readonly log: HostLog;
  /** Application heartbeat interval and silence after which the server counts as lost (ms). */
  readonly heartbeatMs?: number;
  readonly peerTimeoutMs?: number;
}

const TASK_FILE = fileURLToPath(new URL('./train-task.js', import.meta.url));

/**
 * A worker host: ZeroMQ I/O and heartbeats on the main thread, local training of its virtual nodes in a
 * piscina pool, so a long local epoch never delays a heartbeat. It says `hello`, receives its nodes and
 * the run's setup in `welcome`, trains the nodes named in each `task` and sends one `update` per node.
 * Each node's optimizer state and uplink compressor state (error-feedback memory, PowerSGD warm start)
 * stay here between rounds; a compressed update travels as a `u8` `delta` with `codec` = the kind.
 * Task models are rebuilt by a `ModelReceiver` (raw, compressed, or deltas against the held copy);
 * a delta that does not fit the held copy is answered with `error` code `stale-model` per node. When the server goes silent the host says
 * `hello` again until it is welcomed back (re-registration). `finished` settles when the server says
 * `bye` or the host is closed.
 */
export class WorkerHost {
  readonly hostId: string;
  readonly finished: Promise<string>;
  private readonly endpoint: DealerEndpoint;
  private readonly pool: Piscina;
  private setup: HostSetup | null = null;
  private readonly states = new Map<number, OptimizerState>();
  private readonly upStates = new Map<number, CompressorState>();
  private receiver: ModelReceiver | null = null;
  /** The pool threads' copy of the current task model, and how many `runTask` calls still read it. */
  private model: Float32Array | null = null;
  private modelUsers = 0;
  /** Free shared buffers that pool threads write Δ into (see {@link returnSlot}). */
  private readonly slots: Float32Array[] = [];
  private finish!: (reason: string) => void;
  private helloTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Set when the host refused its `welcome` (a bad config); `finished` has settled by then. */
  failure: StarlingError | null = null;

  constructor(private readonly options: WorkerHostOptions) {
    this.hostId = options.hostId ?? `${hostname().replace(/[^A-Za-z0-9._:-]/g, '-')}-${process.pid}`;
    this.finished = new Promise((resolve) => {
      this.finish = resolve;
    });
    const threads = options.threads ?? availableParallelism();
    // Two tasks per thread: the next node waits in the thread's queue, so the thread starts it as soon as
    // the previous one is done instead of idling until this thread has handled the result.
    this.pool = new Piscina({
      filename: TASK_FILE,
      minThreads: threads,
      maxThreads: threads,
      concurrentTasksPerWorker: 2,
      idleTimeout: 60_000,
    });
    this.endpoint = DealerEndpoint.connect(options.connect, {
      routingId: this.hostId,
      onMessage: (m) => this.onMessage(m),
      onPeer: (e) => {
        if (e.kind === 'lost') {
          options.log.warn({ reason: e.reason }, 'server lost; registering again');
          this.sayHello();
        }
      },
      log: options.log,
      heartbeatMs: options.heartbeatMs ?? 250,
      peerTimeoutMs: options.peerTimeoutMs ?? 2000,
    });
    this.sayHello();
  }

  /** Byte and message counters of the host's link to the server. */
  stats() {
    return this.endpoint.stats();
  }

  /** Stops training and closes the socket; safe to call twice. */
  async close(reason = 'closed'): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.helloTimer) clearInterval(this.helloTimer);
    await this.endpoint.send({ type: 'bye', round: 0, node: -1, reason }).catch(() => undefined);
    await this.endpoint.close({ lingerMs: 100 });
    await this.pool.destroy();
    this.finish(reason);
  }

  /** Sends `hello` now and every second until a `welcome` arrives. */
  private sayHello(): void {
    if (this.closed) return;
    const hello = () =>
      void this.endpoint.send({
        type: 'hello',
        round: 0,
        node: -1,
        host: this.hostId,
        caps: { kernels: 'auto', cores: this.pool.maxThreads, version: '0.1.0' },
        nodes: [],
      });
    if (this.helloTimer) clearInterval(this.helloTimer);
    hello();
    this.helloTimer = setInterval(hello, 1000);
  }

  private onMessage(m: IncomingMessage): void {
    const h = m.header;
    if (h.type === 'welcome') {
      if (this.helloTimer) clearInterval(this.helloTimer);
      this.helloTimer = null;
      let setup: HostSetup;
      try {
        setup = parseHostSetup(h.config);
      } catch (err) {
        void this.refuse(err, h.seq);
        return;
      }
      this.endpoint.setRun(h.run);
      this.setup = setup;
      const layout = this.setup.layout;
      const kernels = loadKernels(this.setup.setup.kernels).kernels;
      this.receiver = layout ? new ModelReceiver(layout, kernels) : null;
      this.useScan(kernels.compress?.firstNonFinite);
      this.options.log.info({ run: h.run, nodes: h.nodes.length }, 'welcomed');
    } else if (h.type === 'task') {
      const model = this.taskModel(h.round, h.nodes, h.model, m.tensors);
      if (model) void this.runTask(h.round, h.nodes, model);
    } else if (h.type === 'bye') {
      void this.close(`server said bye: ${h.reason}`);
    }
  }

  /** Refuses a welcome whose config is bad: `error` to the server, then `bye` and close. */
  private async refuse(cause: unknown, ref: number): Promise<void> {
    this.failure = await refuseWelcome(this.endpoint, this.options.log, cause, ref);
    await this.close(`bad welcome.config: ${this.failure.message.split('; ')[0]}`.slice(0, 256));
  }

  /** Scans received model frames with `scan` (the native kernels'); keeps the reference if it disagrees. */
  private useScan(scan: NonFiniteScan | undefined): void {
    try {
      this.endpoint.setNonFiniteScan(scan);
    } catch (err) {
      this.options.log.warn({ err }, 'native NaN/Inf scan refused; using the TypeScript one');
    }
  }

  /** The model a task trains from, or null (after answering `stale-model` when deltas do not apply). */
  private taskModel(
    round: number,
    nodes: readonly number[],
    kind: 'full' | 'delta',
    tensors: readonly DecodedTensor[],
  ): Float32Array | null {
    if (!this.setup) return null;
    if (!this.receiver) {
      const data = tensors[0]?.data;
      return data instanceof Float32Array ? data : null;
    }
    try {
      return this.receiver.receive(round, kind, tensors);
    } catch (err) {
      this.receiver.reset();
      this.options.log.warn({ err, round }, 'task model rejected');
      for (const node of nodes) {
        const message = String(err).slice(0, 1000);
        void this.endpoint.send({ type: 'error', round, node, code: 'stale-model', message, ref: -1 });
      }
      return null;
    }
  }

  private async runTask(round: number, nodes: readonly number[], model: Float32Array): Promise<void> {
    const setup = this.setup;
    if (!setup) return;
    this.endpoint.setRound(round);
    const shared = this.sharedModel(model);
    this.modelUsers++;
    await Promise.all(
      nodes.map(async (node) => {
        const task: TrainTask = {
          setup: setup.setup,
          node,
          indices: Int32Array.from(setup.partition[String(node)] ?? []),
          round,
          global: shared,
          state: this.states.get(node) ?? null,
          upState: this.upStates.get(node) ?? null,
          out: this.slots.pop() ?? new Float32Array(new SharedArrayBuffer(model.byteLength)),
        };
        try {
          const r: TrainResult = await this.pool.run(task, { name: 'pooledTrainTask' });
          this.states.set(node, r.state);
          if (r.upState) this.upStates.set(node, r.upState);
          const metrics: Record<string, number> = { train_loss: r.trainLoss, steps: r.steps };
          if (r.payload) metrics.theoretical_bits = r.payload.theoreticalBits;
          // Δ in the lent slot is copied into the frame when `send` is called (not `owned`), so the slot
          // can go back to the free list at once.
          const tensor = r.payload
            ? { name: 'delta', data: r.payload.bytes, codec: r.payload.codec, owned: true }
            : { name: 'delta', data: r.delta };
          const sent = this.endpoint.send({ type: 'update', round, node, weight: r.samples, metrics }, [tensor]);
          this.returnSlot(task.out);
          await sent;
        } catch (err) {
          this.returnSlot(task.out);
          if (this.closed) return;
          this.options.log.error({ err, node, round }, 'local training failed');
          await this.endpoint.send({
            type: 'error',
            round,
            node,
            code: 'train-failed',
            message: String(err).slice(0, 1000),
            ref: -1,
          });
        }
      }),
    );
    if (shared === this.model) this.modelUsers--;
  }

  /**
   * Gives a task's Δ slot back to the free list (once; a slot of another model size is dropped). The
   * pool threads write Δ into these reused shared buffers instead of allocating 800 KB per node and
   * round, which cost about 0.45 ms per node in page faults and zeroing on the training thread.
   */
  private returnSlot(slot: Float32Array | undefined): void {
    if (slot && slot.length === this.model?.length && !this.slots.includes(slot)) this.slots.push(slot);
  }

  /**
   * The task model in shared memory for the pool threads. The buffer of the previous round is reused
   * when no task still reads it (the usual case); a task that overlaps a running one (a round closed
   * by its deadline) gets a fresh buffer, and the old one stays with the tasks that hold it.
   */
  private sharedModel(model: Float32Array): Float32Array {
    if (this.modelUsers > 0 || this.model?.length !== model.length) {
      this.model = new Float32Array(new SharedArrayBuffer(model.byteLength));
      this.modelUsers = 0;
    }
    this.model.set(model);
    return this.model;
  }
}
