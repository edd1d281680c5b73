"""Starling's seeded random streams (Philox4x32-10), reproduced bit for bit.

A worker host must load exactly the training set the server partitioned: the
`mnist` split and the `limit` subset are drawn from the run seed, and the
partition the server sends is a list of indices into that set. This module
re-implements `packages/core/src/rng/rng.ts` and `philox.ts` (Salmon et al.
2011, "Parallel random numbers: as easy as 1, 2, 3") for the draws a worker
needs: `from_seed`, `fork`, `next_uint32`, `int`, `shuffle` and `sample`.
Every value is an unsigned 32-bit word held in a Python int.
"""

MASK32 = 0xFFFFFFFF
TWO_POW_32 = 1 << 32
_M0 = 0xD2511F53
_M1 = 0xCD9E8D57
_W0 = 0x9E3779B9
_W1 = 0xBB67AE85


def philox4x32(counter, k0, k1):
    """One Philox4x32-10 block: four 32-bit words from a 128-bit counter and a 64-bit key.

    counter: four unsigned 32-bit words, low word first; k0, k1: the key words.
    """
    c0, c1, c2, c3 = counter
    for _ in range(10):
        p0 = _M0 * c0
        p1 = _M1 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0, p1 & MASK32, (p0 >> 32) ^ c3 ^ k1, p0 & MASK32)
        k0 = (k0 + _W0) & MASK32
        k1 = (k1 + _W1) & MASK32
    return c0, c1, c2, c3


def hash_purpose(text):
    """FNV-1a over the UTF-16 code units of `text` (the stream purpose name), 32 bits."""
    h = 0x811C9DC5
    units = text.encode('utf-16-le')
    for i in range(0, len(units), 2):
        h ^= units[i] | (units[i + 1] << 8)
        h = (h * 0x01000193) & MASK32
    return h


class Rng:
    """A counter-based stream keyed by 64 bits, as `Rng` in @starling/core.

    `fork(purpose, id)` derives an independent child without advancing the
    parent, so the same (seed, purpose path) always gives the same words.
    """

    def __init__(self, k0, k1):
        """Builds the stream with key words k0, k1 (taken modulo 2^32)."""
        self.k0 = k0 & MASK32
        self.k1 = k1 & MASK32
        self._ctr = 0
        self._block = (0, 0, 0, 0)
        self._used = 4

    @staticmethod
    def from_seed(seed):
        """The root stream of a run; seed is an integer in [0, 2^53 - 1]."""
        if not isinstance(seed, int) or seed < 0 or seed > (1 << 53) - 1:
            raise ValueError(f'seed must be a non-negative safe integer, got {seed!r}')
        return Rng(seed % TWO_POW_32, (seed // TWO_POW_32) ^ 0x5EED5EED)

    def fork(self, purpose, ident=0):
        """The child stream for (purpose, ident); ident is an integer >= 0."""
        if ident < 0:
            raise ValueError(f'fork id must be >= 0, got {ident}')
        counter = (hash_purpose(purpose), ident % TWO_POW_32, ident // TWO_POW_32, 0xF0F0F0F0)
        out = philox4x32(counter, self.k0, self.k1)
        return Rng(out[0], out[1] ^ out[2])

    def next_uint32(self):
        """The next unsigned 32-bit word of the stream."""
        if self._used == 4:
            lo = self._ctr & MASK32
            hi = (self._ctr >> 32) & MASK32
            self._block = philox4x32((lo, hi, 0, 0), self.k0, self.k1)
            self._ctr = (self._ctr + 1) & ((1 << 64) - 1)
            self._used = 0
        word = self._block[self._used]
        self._used += 1
        return word

    def int(self, n):
        """An integer uniform on [0, n) without modulo bias (rejection), 1 <= n <= 2^32."""
        if n < 1 or n > TWO_POW_32:
            raise ValueError(f'rng.int n must be in [1, 2^32], got {n}')
        limit = TWO_POW_32 - (TWO_POW_32 % n)
        while True:
            x = self.next_uint32()
            if x < limit:
                return x % n

    def shuffle(self, items):
        """Shuffles the list `items` in place (Fisher-Yates from the end) and returns it."""
        for i in range(len(items) - 1, 0, -1):
            j = self.int(i + 1)
            items[i], items[j] = items[j], items[i]
        return items

    def sample(self, n, k):
        """k distinct integers from [0, n) in increasing order (Floyd's algorithm)."""
        if k < 0 or k > n:
            raise ValueError(f'rng.sample k must be in [0, {n}], got {k}')
        chosen = set()
        for j in range(n - k, n):
            t = self.int(j + 1)
            chosen.add(j if t in chosen else t)
        return sorted(chosen)
