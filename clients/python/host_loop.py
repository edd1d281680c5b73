"""The worker host's conversation with a Starling parameter server (docs/protocol.md, section 4).

hello (every second until welcomed) -> welcome (setup, partition, layout) ->
task per round (global model) -> one update (or error) per selected node ->
bye. Heartbeats go out every `heartbeatMs` while the outgoing queue is empty;
a server silent for `timeoutMs` counts as lost and the host says hello again
(re-registration); a server silent for `--server-wait-s` makes it give up.
"""

import collections
import sys
import time

import numpy as np
import zmq
from zmq.utils.monitor import recv_monitor_message

from wire import Codec, WireError

HELLO_EVERY_S = 1.0


class HostExit(Exception):
    """Ends the host with an exit code (0: run over, 1: no server, 2: bad setup)."""

    def __init__(self, code, message):
        """Keeps the exit code and the line to print."""
        super().__init__(message)
        self.code = code


def open_dealer(ctx, address, host_id):
    """A DEALER with the options docs/protocol.md asks a foreign client to set, connected to address."""
    sock = ctx.socket(zmq.DEALER)
    options = ((zmq.ROUTING_ID, host_id.encode()), (zmq.LINGER, 0), (zmq.SNDTIMEO, 0),
               (zmq.HEARTBEAT_IVL, 200), (zmq.HEARTBEAT_TIMEOUT, 600), (zmq.MAXMSGSIZE, 256 << 20),
               (zmq.SNDHWM, 64), (zmq.RCVHWM, 64), (zmq.RECONNECT_IVL, 100), (zmq.RECONNECT_IVL_MAX, 1000),
               (zmq.IMMEDIATE, 0))
    for opt, value in options:
        sock.setsockopt(opt, value)
    # A DEALER has one connection: its disconnect is the server's loss (docs/protocol.md, section 5).
    monitor = sock.get_monitor_socket(zmq.EVENT_DISCONNECTED)
    try:
        sock.connect(address)
    except zmq.ZMQError as err:
        sock.disable_monitor()
        monitor.close(0)
        sock.close(0)
        raise HostExit(2, f'cannot connect to {address!r}: {err} (expected tcp://HOST:PORT or ipc:///PATH)') from err
    return sock, monitor


class WorkerHost:
    """One worker host: socket I/O on this thread, training on a `Trainer` thread."""

    def __init__(self, sockets, host_id, trainer, cores, server_wait_s, log):
        """sockets: a connected DEALER and its monitor (open_dealer); log: a callable taking one line."""
        self.sock, self.monitor = sockets
        self.host_id, self.trainer, self.cores = host_id, trainer, cores
        self.server_wait_s, self.log = server_wait_s, log
        self.codec = Codec()
        self.outbox = collections.deque()
        self.welcomed = False  # has had a welcome (holds a setup); tasks are taken from then on
        self.registering = True  # says hello every second until the next welcome
        self.ready = False
        self.heartbeat_s, self.timeout_s = 0.5, 3.0
        now = time.monotonic()
        self.last_heard, self.last_hello, self.last_beat, self.lost_since = None, -HELLO_EVERY_S, now, now
        self.answered = set()
        self.steps = {}
        self.round = 0
        self.welcome_seq = -1
        self.last_refusal = -1.0
        self.poller = zmq.Poller()
        self.poller.register(self.sock, zmq.POLLIN)
        self.poller.register(self.monitor, zmq.POLLIN)

    def send(self, header, tensors=()):
        """Queues one message (header without v/seq/run/tensors) for the socket."""
        header.setdefault('round', self.round)
        header.setdefault('node', -1)
        self.outbox.append(self.codec.encode(header, tensors))

    def flush(self):
        """Sends what the socket takes now (zero send timeout); the rest waits in order."""
        while self.outbox:
            try:
                self.sock.send_multipart(self.outbox[0], flags=zmq.NOBLOCK, copy=False)
            except zmq.Again:
                return
            self.outbox.popleft()

    def run(self):
        """The event loop; returns when the server says bye, raises HostExit otherwise."""
        while True:
            self.timers(time.monotonic())
            self.flush()
            ready = dict(self.poller.poll(20))
            if self.monitor in ready:
                self.on_monitor(recv_monitor_message(self.monitor))
            while self.sock.poll(0, zmq.POLLIN):
                if self.receive(self.sock.recv_multipart()):
                    return
            while not self.trainer.results.empty():
                self.on_result(self.trainer.results.get())

    def timers(self, now):
        """Hello until welcomed, heartbeats, and the server's liveness."""
        if self.registering and now - self.last_hello >= HELLO_EVERY_S:
            self.last_hello = now
            caps = {'kernels': 'numpy', 'cores': self.cores, 'version': 'py-0.1.0'}
            self.send({'type': 'hello', 'round': 0, 'host': self.host_id, 'caps': caps, 'nodes': []})
        if now - self.last_beat >= self.heartbeat_s and not self.outbox:
            self.last_beat = now
            self.send({'type': 'heartbeat'})
        # As the reference endpoints judge a still-connected peer: 4 x timeoutMs of silence (section 5).
        if self.last_heard is not None and not self.registering and now - self.last_heard > 4 * self.timeout_s:
            self.server_lost(f'server silent for {now - self.last_heard:.1f} s')
        if self.last_heard is None and now - self.lost_since > self.server_wait_s:
            raise HostExit(1, f'no server at the address for {self.server_wait_s:g} s (--server-wait-s); giving up')

    def server_lost(self, why):
        """Registers again: hello until welcomed; rounds answered on the old link may be asked again."""
        self.log(f'{why}; registering again')
        # Still welcomed: a task the server sent before the drop may be read after it, and is trained.
        self.registering, self.lost_since, self.last_heard = True, time.monotonic(), None
        self.answered.clear()

    def on_monitor(self, event):
        """The DEALER's connection dropped (server gone or restarting): the server is lost."""
        if event['event'] == zmq.EVENT_DISCONNECTED and self.last_heard is not None:
            self.server_lost('connection to the server dropped')

    def receive(self, frames):
        """Handles one message; True when the run is over."""
        try:
            header, tensors = self.codec.decode(frames)
        except WireError as err:
            self.refused(err)
            return False
        self.last_heard = time.monotonic()
        kind = header['type']
        if kind == 'welcome':
            self.on_welcome(header)
        elif kind == 'task' and self.welcomed:
            self.on_task(header, tensors)
        elif kind == 'bye':
            self.log(f'server said bye: {header.get("reason", "")}')
            return True
        elif kind == 'error':
            self.log(f'server error {header.get("code")} (node {header["node"]}): {header.get("message", "")}')
        elif kind == 'node-state' and self.welcomed:
            self.on_node_state(header)
        return False

    def refused(self, err):
        """Logs a refused message and tells the server, at most once per 250 ms."""
        self.log(f'refused a message: {err}')
        now = time.monotonic()
        if now - self.last_refusal >= 0.25:
            self.last_refusal = now
            self.send({'type': 'error', 'code': err.code, 'message': err.detail[:1024], 'ref': -1})

    def on_welcome(self, header):
        """Takes the run id and timing, and hands the config to the trainer."""
        first = self.codec.run == ''
        quiet = not self.registering  # the answer to another queued hello: nothing new
        if header['run'] != self.codec.run:
            self.answered.clear()  # another run (a restarted server): its rounds start afresh
        self.codec.run = header['run']
        self.welcomed, self.registering, self.welcome_seq = True, False, header['seq']
        self.heartbeat_s = header.get('heartbeatMs', 500) / 1000
        self.timeout_s = header.get('timeoutMs', 3000) / 1000
        if not quiet:
            self.log(f'welcomed to run {header["run"]} with {len(header["nodes"])} nodes'
                     + ('' if first else ' (again)'))
        self.trainer.submit(('welcome', header['config']))

    def on_task(self, header, tensors):
        """Queues the selected nodes not trained or answered since the link last dropped."""
        round_ = header['round']
        self.round = round_
        model = tensors[0] if tensors else None
        nodes = [n for n in header['nodes'] if (round_, n) not in self.answered]
        if model is None or header['model'] != 'full' or model.dtype != 'f32' or model.codec:
            what = f'model {header["model"]}' + (f', codec {model.codec}' if model and model.codec else '')
            msg = f'the Python worker takes raw f32 task models only, got {what}: run without compression.down'
            for node in nodes:
                self.send({'type': 'error', 'round': round_, 'node': node, 'code': 'train-failed',
                           'message': msg, 'ref': header['seq']})
                self.answered.add((round_, node))
            return
        self.answered.update((round_, n) for n in nodes)
        if nodes:
            self.trainer.submit(('task', round_, nodes, model.array()))

    def on_node_state(self, header):
        """Checkpoints: plain SGD keeps no vectors, only each node's step count."""
        if header.get('op') == 'request':
            for node in sorted(self.steps):
                self.send({'type': 'node-state', 'round': header['round'], 'node': node, 'op': 'node',
                           'step': self.steps[node], 'slots': 0})
            self.send({'type': 'node-state', 'round': header['round'], 'op': 'end', 'count': len(self.steps)})
        elif header.get('op') == 'node':
            self.steps[header['node']] = int(header.get('step', 0))

    def on_result(self, result):
        """Sends what the trainer produced: an update or error per node, or the setup's verdict."""
        kind = result[0]
        if kind == 'ready' and result[1]['loaded']:
            self.log(f'data loaded: {result[1]["examples"]} training examples, '
                     f'{result[1]["parameters"]} parameters')
        elif kind in ('refused', 'failed'):
            message = str(result[1])
            self.send({'type': 'error', 'round': 0, 'code': 'bad-config', 'message': message[:1024],
                       'ref': self.welcome_seq})
            self.send({'type': 'bye', 'round': 0, 'reason': f'bad welcome.config: {message}'[:256]})
            self.flush()
            raise HostExit(2, f'refused the run: {message}')
        elif kind == 'node':
            self.send_answer(result[1], result[2])

    def send_answer(self, round_, answer):
        """One node's `update` (raw f32 delta, weight n_k) or `error`."""
        node = answer['node']
        if 'error' in answer:
            self.send({'type': 'error', 'round': round_, 'node': node, 'code': answer['code'],
                       'message': answer['error'][:1024], 'ref': -1})
            return
        self.steps[node] = self.steps.get(node, 0) + answer['steps']
        metrics = {'train_loss': float(answer['train_loss']), 'steps': answer['steps']}
        header = {'type': 'update', 'round': round_, 'node': node, 'weight': float(answer['samples']),
                  'metrics': metrics}
        self.send(header, [('delta', np.asarray(answer['delta'], dtype=np.float32))])


def say_bye(host, reason):
    """Best effort: a last bye to the server before closing."""
    try:
        host.send({'type': 'bye', 'reason': reason[:256]})
        host.flush()
        time.sleep(0.1)
    except KeyboardInterrupt:
        pass
    except zmq.ZMQError as err:
        print(f'bye not sent: {err}', file=sys.stderr)
