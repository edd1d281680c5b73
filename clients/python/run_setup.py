"""What this worker can train, read from `welcome.config` (docs/protocol.md).

A parameter-server `welcome.config` is `{setup, partition, layout}`; `setup`
is the node setup every TypeScript host validates with `nodeSetupSchema`
(packages/worker/src/host-setup-schema.ts). This worker trains a subset of it:
data `mnist`, model `softmax` or `mlp`, loss `softmax_ce`, optimizer `sgd`
with a constant rate (optional weight decay), no privacy, no uplink
compression, no adversary. Anything else is refused with every problem
named by its full path, which the host sends back as `error` `bad-config`.
"""

from dense_model import DenseModel

SETUP_KEYS = {'seed', 'data', 'model', 'loss', 'optimizer', 'local', 'kernels', 'privacy', 'compression', 'adversary'}
ACTIVATIONS = {'relu', 'leaky_relu', 'elu', 'tanh', 'sigmoid'}
P = 'welcome.config'


class BadConfig(Exception):
    """A welcome this worker refuses; `problems` lists each by its full path."""

    def __init__(self, problems):
        """Joins the problems with '; ' into the message."""
        super().__init__('; '.join(problems))
        self.problems = problems


def _is_int(v, lo=0):
    """True for an integer (or integral float, as msgpack may carry it) >= lo."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer() and v >= lo


def _check_data(data, bad):
    """Only the bundled digits (`mnist`) are loaded here."""
    if not isinstance(data, dict) or data.get('kind') != 'mnist':
        kind = data.get('kind') if isinstance(data, dict) else data
        bad.append(f'{P}.setup.data.kind must be mnist (the only data kind the Python worker loads), got {kind!r}')
        return
    extra = set(data) - {'kind', 'testFraction', 'limit', 'testLimit'}
    if extra:
        bad.append(f'{P}.setup.data has keys the Python worker does not know: {sorted(extra)}')
    tf = data.get('testFraction', 0.2)
    if not isinstance(tf, (int, float)) or not 0 < tf < 1:
        bad.append(f'{P}.setup.data.testFraction must be in (0, 1), got {tf!r}')
    if 'limit' in data and not _is_int(data['limit'], 1):
        bad.append(f'{P}.setup.data.limit must be a positive integer, got {data["limit"]!r}')


def _check_model(model, loss, bad):
    """softmax regression or an MLP, trained with softmax cross-entropy."""
    kind = model.get('kind') if isinstance(model, dict) else None
    if kind not in ('softmax', 'mlp'):
        bad.append(f'{P}.setup.model.kind must be softmax or mlp for the Python worker, got {kind!r}')
    elif kind == 'mlp':
        hidden = model.get('hidden')
        if not isinstance(hidden, list) or not hidden or not all(_is_int(h, 1) for h in hidden):
            bad.append(f'{P}.setup.model.hidden must be a non-empty array of positive integers, got {hidden!r}')
        if model.get('activation', 'relu') not in ACTIVATIONS:
            got = model.get('activation')
            bad.append(f'{P}.setup.model.activation must be one of {sorted(ACTIVATIONS)}, got {got!r}')
    if loss != 'softmax_ce':
        bad.append(f'{P}.setup.loss must be softmax_ce for the Python worker, got {loss!r}')


def _check_optimizer(opt, bad):
    """Plain SGD, constant rate, no gradient clipping."""
    if not isinstance(opt, dict) or opt.get('kind') != 'sgd':
        kind = opt.get('kind') if isinstance(opt, dict) else opt
        bad.append(f'{P}.setup.optimizer.kind must be sgd for the Python worker, got {kind!r}')
        return
    if not isinstance(opt.get('lr'), (int, float)) or not opt['lr'] > 0:
        bad.append(f'{P}.setup.optimizer.lr must be a number > 0, got {opt.get("lr")!r}')
    if not isinstance(opt.get('weightDecay', 0), (int, float)) or opt.get('weightDecay', 0) < 0:
        bad.append(f'{P}.setup.optimizer.weightDecay must be a number >= 0, got {opt.get("weightDecay")!r}')
    schedule = opt.get('schedule')
    if schedule is not None and schedule.get('kind') != 'constant':
        bad.append(f'{P}.setup.optimizer.schedule is not supported by the Python worker (constant rate only), '
                   f'got {schedule.get("kind")!r}')
    if 'clipNorm' in opt:
        bad.append(f'{P}.setup.optimizer.clipNorm is not supported by the Python worker')


def _check_plan(local, bad):
    """E epochs of batch B (null: the whole local set), optional maxSteps."""
    if not isinstance(local, dict):
        bad.append(f'{P}.setup.local must be a map, got {local!r}')
        return
    if not _is_int(local.get('epochs')):
        bad.append(f'{P}.setup.local.epochs must be an integer >= 0, got {local.get("epochs")!r}')
    b = local.get('batchSize')
    if b is not None and not _is_int(b, 1):
        bad.append(f'{P}.setup.local.batchSize must be a positive integer or null, got {b!r}')
    if 'maxSteps' in local and not _is_int(local['maxSteps']):
        bad.append(f'{P}.setup.local.maxSteps must be an integer >= 0, got {local["maxSteps"]!r}')


def parse_host_setup(config):
    """Checks `welcome.config` and returns it; raises BadConfig listing every problem."""
    bad = []
    if not isinstance(config, dict) or not isinstance(config.get('setup'), dict):
        raise BadConfig([f'{P}.setup must be a map (a parameter-server run), got {type(config).__name__}'])
    extra = set(config) - {'setup', 'partition', 'layout'}
    if extra:
        bad.append(f'{P} has keys a worker host does not know: {sorted(extra)} (a gossip welcome?)')
    setup = config['setup']
    unknown = set(setup) - SETUP_KEYS
    if unknown:
        bad.append(f'{P}.setup has unknown keys: {sorted(unknown)}')
    if not _is_int(setup.get('seed')):
        bad.append(f'{P}.setup.seed must be an integer >= 0, got {setup.get("seed")!r}')
    for key, what in (('privacy', 'differential privacy'), ('adversary', 'Byzantine nodes')):
        if setup.get(key):
            bad.append(f'{P}.setup.{key} ({what}) is not supported by the Python worker')
    up = (setup.get('compression') or {}).get('up')
    if up:
        bad.append(f'{P}.setup.compression.up ({up.get("kind")!r}) is not supported by the Python worker: '
                   'it sends raw float32 updates only')
    _check_data(setup.get('data'), bad)
    _check_model(setup.get('model'), setup.get('loss'), bad)
    _check_optimizer(setup.get('optimizer'), bad)
    _check_plan(setup.get('local'), bad)
    partition = config.get('partition')
    if not isinstance(partition, dict) or not all(isinstance(v, list) for v in partition.values()):
        bad.append(f'{P}.partition must map node ids to arrays of example indices')
    if bad:
        raise BadConfig(bad)
    return config


def build_model(setup, inputs, classes, layout):
    """The DenseModel of a checked setup; its layout must equal the server's (when sent)."""
    spec = setup['model']
    hidden = [int(h) for h in spec.get('hidden', [])] if spec['kind'] == 'mlp' else []
    model = DenseModel(inputs, hidden, classes, spec.get('activation', 'relu') if hidden else 'identity')
    if layout is not None and layout != model.layout():
        raise BadConfig([f'{P}.layout does not match the model {spec} on {inputs} inputs and {classes} classes'])
    return model
