import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { errors, type StarlingError } from '@starling/core';
import {
  DealerEndpoint,
  type DealerSecurity,
  type DecodedTensor,
  type EndpointLog,
  type IncomingMessage,
  type NonFiniteScan,
  type OutgoingHeader,
  type SharedLane,
  type TaskHeader,
} from '@starling/transport';
import { Piscina } from 'piscina';
import { ArenaPool } from './arena-pool.js';
import { BlockRunner, type BlockRunnerHost } from './block-runner.js';
import { HelloLoop } from './hello-loop.js';
import { hostIdFor } from './host-id.js';
import { HostRound } from './host-round.js';
import { parseHostSetup } from './host-setup-schema.js';
import { loadKernels } from './kernel-choice.js';
import { ModelReceiver } from './model-receiver.js';
import { type HostSetup, onHost } from './node-setup.js';
import { onNodeState } from './node-state-sync.js';
import { NodeStates } from './node-states.js';
import { refuseWelcome } from './refuse-welcome.js';
import { RoundAnswers } from './round-answers.js';
import { ServerWait } from './server-wait.js';
import { ShmHost, slotTaskTensors } from './shm-host.js';
import { receiveTaskModel, splitControl } from './task-model.js';
import { UpdateEmulation } from './update-emulation.js';

/** The slice of a pino logger the host uses. */
export interface HostLog extends EndpointLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** How a worker host connects and how many threads train its nodes. */
export interface WorkerHostOptions {
  /** The server's endpoint, e.g. `tcp://10.0.0.5:7000` or `ipc:///tmp/starling.sock`. */
  readonly connect: string;
  /** A unique host id (letters, digits, `._:-`); default `<hostname>-<pid>`, or the key's name with `security`. */
  readonly hostId?: string;
  /** Pool threads that train nodes (default: the machine's cores). */
  readonly threads?: number;
  readonly log: HostLog;
  /**
   * CURVE to a server with `runtime.security`: this host's key pair (its name is the host id; a
   * different `hostId` is a `config` error) and the server's public key. Absent: plaintext.
   */
  readonly security?: DealerSecurity;
  /** Application heartbeat interval and silence after which the server counts as lost (ms). */
  readonly heartbeatMs?: number;
  readonly peerTimeoutMs?: number;
  /**
   * How long the host goes on without hearing from its server (at the start, or after losing it) before
   * it gives up: `finished` settles and `failure` says why (default 60 000 ms; `--server-wait-s`).
   */
  readonly serverWaitMs?: number;
  /** threads: shared memory with the server in this process (raw Δs as `shm` references, `SharedLane`). */
  readonly lane?: SharedLane;
  /** processes: the memfd of the server's cross-process round slots this process inherited (`ShmHost`). */
  readonly shmFd?: number;
  /**
   * Folder that relative data paths of the run's data spec resolve against on this host (`--data-dir`);
   * default the working directory. The server's own folder is never sent (docs/protocol.md).
   */
  readonly dataDir?: string;
}

// CommonJS, loading dist/train-block.js with import(): see pool/entry.cjs
const TASK_FILE = fileURLToPath(new URL('../pool/entry.cjs', import.meta.url));

/**
 * A worker host: ZeroMQ I/O and heartbeats on the main thread, local training of its virtual nodes in a
 * piscina pool, so a long local epoch never delays a heartbeat. It says `hello`, receives its nodes and
 * the run's setup in `welcome`, trains the nodes named in each `task` and sends one `update` per node.
 * Each node's optimizer state and uplink compressor state (error-feedback memory, PowerSGD warm start)
 * stay here between rounds; a compressed update travels as a `u8` `delta` with `codec` = the kind.
 * Task models are rebuilt by a `ModelReceiver` (raw, compressed, deltas against the held copy) or read
 * in the round's memfd slot (`processes`); a delta that does not fit the held copy is answered with
 * `error` `stale-model` per node, a node whose training went NaN/±Inf with `error` `non-finite`.
 * When the server goes silent the host says `hello` again until it is welcomed back (re-registration).
 * A round sent again (the server lost this host, or a restart) is trained again from the state before
 * it (`NodeStates`), except for nodes that are training it or answered it since the link last dropped.
 * `finished` settles when the server says `bye`, when the host is closed, or after `serverWaitMs`
 * without the server (then `failure` is set).
 */
export class WorkerHost {
  readonly hostId: string;
  readonly finished: Promise<string>;
  private readonly endpoint: DealerEndpoint;
  private readonly pool: Piscina;
  private setup: HostSetup | null = null;
  private readonly states = new NodeStates();
  /** `systems.emulate`: holds each update until its client's virtual delivery time. */
  private emulation: UpdateEmulation | undefined;
  private readonly answers = new RoundAnswers();
  private readonly serverWait: ServerWait;
  private receiver: ModelReceiver | null = null;
  private readonly arenas: ArenaPool;
  private readonly rounds: HostRound;
  /** processes: the server's round slots (the memfd this process inherited). */
  private readonly shm: ShmHost | undefined;
  /** The run this host was welcomed into ('' before its `welcome`). */
  private runId = '';
  private finish!: (reason: string) => void;
  private readonly hellos = new HelloLoop(() => this.hello());
  private closed = false;
  /** Set when the host refused its `welcome` (a bad config), before `finished` settles. */
  failure: StarlingError | null = null;

  constructor(private readonly options: WorkerHostOptions) {
    this.hostId = hostIdFor(options.hostId, options.security);
    this.arenas = new ArenaPool(options.lane);
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
    // A block training when the host closes answers a destroyed pool: an 'error' event that would crash it.
    this.pool.on('error', (err: unknown) => {
      if (!this.closed) options.log.error({ err }, 'training pool error');
    });
    const waitMs = options.serverWaitMs ?? 60_000;
    this.serverWait = new ServerWait(waitMs, () => {
      const why = `no server at ${options.connect} for ${waitMs / 1000} s (--server-wait-s); giving up`;
      options.log.error({ connect: options.connect, waitS: waitMs / 1000 }, why);
      void this.close('no server', errors.runtime(`worker host ${this.hostId}: ${why}`));
    });
    this.serverWait.start();
    const host: BlockRunnerHost = {
      pool: this.pool,
      arenas: this.arenas,
      states: this.states,
      answers: this.answers,
      lane: options.lane,
      hostId: this.hostId,
      runId: () => this.runId,
      send: (header, tensors) => this.endpoint.send(header, tensors),
      setup: () => this.setup,
      emulation: () => this.emulation,
      closed: () => this.closed,
      log: options.log,
    };
    this.shm = options.shmFd !== undefined ? new ShmHost(options.shmFd) : undefined;
    this.rounds = new HostRound(host, new BlockRunner(host));
    this.endpoint = DealerEndpoint.connect(options.connect, {
      routingId: this.hostId,
      ...(options.security ? { security: options.security } : {}),
      onMessage: (m) => this.onMessage(m),
      onPeer: (e) => {
        if (e.kind === 'joined') this.serverWait.stop();
        if (e.kind === 'lost') {
          options.log.warn({ reason: e.reason }, 'server lost; registering again');
          this.answers.linkDropped();
          this.serverWait.start();
          this.sayHello();
        }
      },
      log: options.log,
      heartbeatMs: options.heartbeatMs ?? 250,
      peerTimeoutMs: options.peerTimeoutMs ?? 2000,
      // A task's model is copied (ModelReceiver, SharedTaskModel) before onMessage returns.
      reuseJoinBuffers: true,
      // never stop reading the server (libzmq#3937 aborts a starved host otherwise, docs/runtimes.md)
      receiveHighWaterMark: 0,
    });
    this.sayHello();
  }

  /** Byte and message counters of the host's link to the server. */
  stats() {
    return this.endpoint.stats();
  }

  /** Stops training and closes the socket; safe to call twice. */
  async close(reason = 'closed', failure: StarlingError | null = null): Promise<void> {
    if (this.closed) return;
    this.failure = failure;
    this.closed = true;
    this.options.lane?.serve(this.hostId, '', null);
    this.hellos.stop();
    this.serverWait.close();
    this.emulation?.close();
    await this.endpoint.send({ type: 'bye', round: 0, node: -1, reason }).catch(() => undefined);
    await this.endpoint.close({ lingerMs: 100 });
    await this.pool.destroy();
    this.finish(reason);
  }

  /** Sends `hello` now and every second until a `welcome` arrives. */
  private sayHello(): void {
    if (!this.closed) this.hellos.start();
  }

  private hello(): void {
    const caps = { kernels: 'auto', cores: this.pool.maxThreads, version: '0.1.0' } as const;
    void this.endpoint.send({ type: 'hello', round: 0, node: -1, host: this.hostId, caps, nodes: [] });
  }

  private onMessage(m: IncomingMessage): void {
    const h = m.header;
    if (h.type === 'welcome') {
      this.hellos.stop();
      let setup: HostSetup;
      try {
        setup = parseHostSetup(h.config);
      } catch (err) {
        // A bad config: `error bad-config` to the server, then bye and close with the error as the failure.
        void refuseWelcome(this.endpoint, this.options.log, err, h.seq, (failure, reason) =>
          this.close(reason, failure),
        );
        return;
      }
      this.endpoint.setRun(h.run);
      this.runId = h.run;
      // threads: the server in this process hands tasks over directly from now on (SharedLane.deliver).
      this.options.lane?.serve(this.hostId, h.run, (m) => this.onMessage(m));
      this.setup = { ...setup, setup: onHost(setup.setup, this.options.dataDir) };
      this.emulation?.close();
      this.emulation = setup.emulate ? new UpdateEmulation(setup.emulate) : undefined;
      const layout = this.setup.layout;
      const kernels = loadKernels(this.setup.setup.kernels).kernels;
      this.receiver = layout ? new ModelReceiver(layout, kernels) : null;
      // A raw model (4·P bytes) on its way here silences the server that long: not a loss.
      if (layout) this.endpoint.expectPayload(4 * layout.size);
      this.useScan(kernels.compress?.firstNonFinite);
      this.options.log.info({ run: h.run, nodes: h.nodes.length }, 'welcomed');
    } else if (h.type === 'task') {
      this.onTask(m, h);
    } else if (h.type === 'bye') {
      void this.close(`server said bye: ${h.reason}`);
    } else if (h.type === 'node-state' && this.setup) {
      onNodeState(h, m.tensors, {
        ...{ endpoint: this.endpoint, lane: this.options.lane, hostId: this.hostId, runId: this.runId },
        ...{ states: this.states, kind: this.setup?.setup.optimizer.kind, log: this.options.log },
      });
    }
  }

  /** A `task`: the model (by frames, or by reference into the round's slot), then the round's training. */
  private onTask(m: IncomingMessage, h: TaskHeader): void {
    const nodes = this.answers.pending(h.round, h.nodes);
    // joined before the model is read: the server rewrites a slot's model only once nobody holds it
    const slot = nodes.length > 0 ? (this.shm?.taskSlot(h.config, h.round, this.setup?.layout?.size) ?? null) : null;
    const task = slotTaskTensors(slot, m.tensors);
    if (!task) {
      // by reference into a slot this host cannot hold (the round closed, or no memfd): each node fails
      const message = 'task model by reference into a slot this host cannot hold';
      this.options.log.warn({ round: h.round, nodes: nodes.length }, message);
      const fail = { type: 'error', round: h.round, code: 'stale-model', message, ref: -1 } as const;
      for (const node of nodes) void this.endpoint.send({ ...fail, node });
      return;
    }
    // systems.emulate: the clients' downloads are timed from now, on the model's payload bytes
    const bytes = task.tensors.reduce((b, t) => b + t.data.byteLength, 0);
    this.emulation?.taskArrived(h.round, bytes);
    const { control, tensors } = splitControl(task.tensors);
    if (task.byReference) this.receiver?.reset(); // trained from the slot's view (copied while held)
    const data = tensors[0]?.data;
    const model = task.byReference && data instanceof Float32Array ? data : this.taskModel(h, tensors);
    if (model && nodes.length > 0) {
      this.endpoint.setRound(h.round);
      void this.rounds.run(h.round, nodes, model, control, slot);
    } else slot?.release();
  }

  /** Scans received model frames with `scan` (the native kernels'); keeps the reference if it disagrees. */
  private useScan(scan: NonFiniteScan | undefined): void {
    try {
      this.endpoint.setNonFiniteScan(scan);
    } catch (err) {
      this.options.log.warn({ err }, 'native NaN/Inf scan refused; using the TypeScript one');
    }
  }

  /** The model a task trains from, or null (see `receiveTaskModel`). */
  private taskModel(h: TaskHeader, tensors: readonly DecodedTensor[]) {
    if (!this.setup) return null;
    const task = { round: h.round, nodes: h.nodes, kind: h.model, tensors };
    return receiveTaskModel(this.receiver, task, this.options.log, (e: OutgoingHeader) => this.endpoint.send(e));
  }
}
