"""Starling wire protocol version 1 (docs/protocol.md): frames, headers, tensors.

One message is a ZeroMQ multipart message: frame 0 is a msgpack map (the
header), then one raw little-endian frame per tensor descriptor (or `chunks`
frames whose concatenation is the payload). This module encodes outgoing
messages and checks incoming ones in the order of the protocol's section 6,
raising `WireError` with the section's reason code.
"""

import math
import re

import msgpack
import numpy as np

VERSION = 1
ID_PATTERN = re.compile(r'^[A-Za-z0-9._:-]{1,64}$')
TYPES = frozenset(
    'hello welcome task update heartbeat bye error gossip lost node-state proceed snapshot peer-state'.split()
)
#: Types a DEALER (a worker host) accepts; the rest are refused as `direction`.
DEALER_ACCEPTS = TYPES - {'hello', 'update', 'gossip'}
DTYPES = {
    'f32': np.dtype('<f4'), 'f64': np.dtype('<f8'), 'i32': np.dtype('<i4'), 'u32': np.dtype('<u4'),
    'i16': np.dtype('<i2'), 'u16': np.dtype('<u2'), 'i8': np.dtype('i1'), 'u8': np.dtype('u1'),
}
CHUNK_BYTES = 8 * 1024 * 1024
MAX_PAYLOAD_FRAMES = 4096
MAX_TENSORS = 256
MAX_HEADER_BYTES = 1 << 20
MAX_MESSAGE_BYTES = 256 * 1024 * 1024
SEQ_MOD = 1 << 32


class WireError(Exception):
    """An incoming message the protocol refuses; `code` is the section-6 reason."""

    def __init__(self, code, message):
        """Keeps the reason code (e.g. `schema`) and a human-readable detail."""
        super().__init__(f'{code}: {message}')
        self.code = code
        self.detail = message


class Tensor:
    """A decoded payload: its descriptor fields and the joined raw bytes."""

    def __init__(self, name, dtype, length, codec, data):
        """Holds one tensor of a message (data: bytes of length x dtype size)."""
        self.name = name
        self.dtype = dtype
        self.length = length
        self.codec = codec
        self.data = data

    def array(self):
        """The payload as a fresh numpy array of its dtype (little-endian)."""
        return np.frombuffer(self.data, dtype=DTYPES[self.dtype]).copy()


class Codec:
    """Encodes and decodes the messages of one link, keeping its `seq` counter."""

    def __init__(self):
        """Starts the link's sequence at 0."""
        self.seq = 0
        self.run = ''

    def encode(self, header, tensors=()):
        """Frames for `header` (a dict without v/seq/tensors) and named float32 arrays.

        tensors: (name, numpy array) pairs; arrays are sent as `f32`, split into
        8 MiB chunks above 8 MiB as the protocol requires of senders.
        """
        descriptors = []
        payloads = []
        for name, array in tensors:
            data = np.ascontiguousarray(array, dtype='<f4').tobytes()
            desc = {'name': name, 'dtype': 'f32', 'length': len(data) // 4, 'bytes': len(data)}
            if len(data) > CHUNK_BYTES:
                parts = [data[i:i + CHUNK_BYTES] for i in range(0, len(data), CHUNK_BYTES)]
                desc['chunks'] = len(parts)
                payloads.extend(parts)
            else:
                payloads.append(data)
            descriptors.append(desc)
        full = {'v': VERSION, 'run': self.run, 'seq': self.seq, 'tensors': descriptors}
        full.update(header)
        self.seq = (self.seq + 1) % SEQ_MOD
        return [msgpack.packb(full, use_bin_type=True)] + payloads

    def decode(self, frames):
        """Checks a received multipart message and returns (header dict, [Tensor])."""
        if len(frames) == 0 or len(frames) > MAX_PAYLOAD_FRAMES + 1:
            raise WireError('frames', f'{len(frames)} frames')
        head, payload = frames[0], frames[1:]
        if sum(len(f) for f in payload) > MAX_MESSAGE_BYTES:
            raise WireError('too-large', 'payload frames exceed 256 MiB')
        if len(head) > MAX_HEADER_BYTES:
            raise WireError('header-size', f'header of {len(head)} bytes')
        header = _unpack(head)
        if header.get('v') != VERSION:
            raise WireError('version', f'v must be {VERSION}, got {header.get("v")!r}')
        if header.get('type') not in TYPES:
            raise WireError('unknown-type', f'type {header.get("type")!r}')
        _check_common(header)
        tensors = _tensors(header, payload)
        if header['type'] not in DEALER_ACCEPTS:
            raise WireError('direction', f'a DEALER does not accept {header["type"]}')
        if header['run'] and self.run and header['run'] != self.run:
            raise WireError('wrong-run', f'run {header["run"]!r} is not {self.run!r}')
        return header, tensors


def _unpack(head):
    """Frame 0 as exactly one msgpack map with string keys and no bin/ext values."""
    try:
        header = msgpack.unpackb(head, raw=False, strict_map_key=True, use_list=True)
    except Exception as err:  # msgpack raises several types: ExtraData, FormatError, ...
        raise WireError('msgpack', f'frame 0 is not one msgpack value ({err})') from err
    if not isinstance(header, dict):
        raise WireError('schema', 'header must be a map')
    _check_json_shaped(header, 'header')
    return header


def _check_json_shaped(value, path):
    """Refuses bin/ext values and non-finite floats anywhere in the header."""
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise WireError('schema', f'{path} has a non-string key')
            _check_json_shaped(v, f'{path}.{k}')
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_json_shaped(v, f'{path}[{i}]')
    elif isinstance(value, float) and not math.isfinite(value):
        raise WireError('schema', f'{path} must be finite, got {value}')
    elif not (value is None or isinstance(value, (bool, int, float, str))):
        raise WireError('schema', f'{path} has a value of type {type(value).__name__} (bin/ext are refused)')


def _int_in(header, key, lo, hi):
    """Checks that header[key] is an integer (an integral float is accepted) in [lo, hi]."""
    v = header.get(key)
    ok = isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer() and lo <= v <= hi
    if not ok:
        raise WireError('schema', f'header.{key} must be an integer in [{lo}, {hi}], got {v!r}')
    header[key] = int(v)


def _check_common(header):
    """The fields of every message (protocol section 3)."""
    run = header.get('run')
    if not isinstance(run, str) or len(run) > 64:
        raise WireError('schema', f'header.run must be a string of at most 64 characters, got {run!r}')
    _int_in(header, 'round', 0, 2**31 - 1)
    _int_in(header, 'node', -1, 2**31 - 1)
    _int_in(header, 'seq', 0, SEQ_MOD - 1)
    if not isinstance(header.get('tensors'), list) or len(header['tensors']) > MAX_TENSORS:
        raise WireError('schema', 'header.tensors must be an array of at most 256 descriptors')


def _tensors(header, payload):
    """Joins payload frames per descriptor, checking counts, sizes and finiteness."""
    descs = header['tensors']
    for i, d in enumerate(descs):
        if not isinstance(d, dict) or d.get('dtype') not in DTYPES or not isinstance(d.get('name'), str):
            raise WireError('schema', f'header.tensors[{i}] is not a valid descriptor')
        if d.get('bytes') != d.get('length', -1) * DTYPES[d['dtype']].itemsize:
            raise WireError('schema', f'header.tensors[{i}].bytes must equal length x size(dtype)')
    wanted = sum(d.get('chunks', 1) for d in descs)
    if wanted != len(payload):
        raise WireError('tensor-count', f'{wanted} payload frames described, {len(payload)} received')
    out = []
    at = 0
    for d in descs:
        parts = payload[at:at + d.get('chunks', 1)]
        at += len(parts)
        if len(parts) > 1 and any(len(p) == 0 for p in parts):
            raise WireError('tensor-size', f'tensor {d["name"]} has an empty chunk')
        data = parts[0] if len(parts) == 1 else b''.join(parts)
        if len(data) != d['bytes']:
            raise WireError('tensor-size', f'tensor {d["name"]} has {len(data)} bytes, descriptor says {d["bytes"]}')
        t = Tensor(d['name'], d['dtype'], d['length'], d.get('codec'), data)
        if d['dtype'] in ('f32', 'f64') and not np.all(np.isfinite(np.frombuffer(data, DTYPES[d['dtype']]))):
            raise WireError('non-finite', f'tensor {d["name"]} holds NaN or Inf')
        out.append(t)
    return out
