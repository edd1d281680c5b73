// The robust aggregators' loops (packages/core/src/robust/robust-kernels.ts is the specification):
// coordinate-wise median and trimmed mean over n vectors, and Krum's pairwise squared distances. Each
// level must give the same bits as the TypeScript reference for every finite input. v[k] points at
// vector k's d floats; the caller has checked n >= 1, 0 <= 2·trim < n and every length.
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

namespace starling {

struct RobustTable {
  const char* name;
  void (*median)(const float* const* v, long n, long d, float* out);
  void (*trimmed_mean)(const float* const* v, long n, long trim, long d, float* out);
  // out[i·n + j] for i, j < n; out holds n² doubles.
  void (*pairwise)(const float* const* v, long n, long d, double* out);
};

const RobustTable* robust_table_portable();
const RobustTable* robust_table_avx2();    // nullptr off x86
const RobustTable* robust_table_avx512();  // nullptr off x86

// IEEE totalOrder on finite float32 as a signed 32-bit key (−0 < +0); the map is its own inverse.
inline int32_t order_key(int32_t bits) { return bits ^ ((bits >> 31) & 0x7fffffff); }

// A comparator (lo, hi) with lo < hi: after it, position lo holds the smaller key.
using Comparator = std::pair<int32_t, int32_t>;

// Batcher's odd-even merge sort network for n keys (the network for the next power of two with every
// comparator that touches a position >= n dropped, which is valid because padding +inf keys never
// move), pruned to the comparators that can change a position in [first, last).
std::vector<Comparator> selection_network(long n, long first, long last);

// The level functions (robust-select-*.cc, robust-distance.cc).
namespace robust_portable {
void median(const float* const* v, long n, long d, float* out);
void trimmed_mean(const float* const* v, long n, long trim, long d, float* out);
void pairwise(const float* const* v, long n, long d, double* out);
// Columns [c0, c1) only (the SIMD levels' tails).
void median_range(const float* const* v, long n, long c0, long c1, float* out);
void trimmed_range(const float* const* v, long n, long trim, long c0, long c1, float* out);
}  // namespace robust_portable

#if defined(__x86_64__) || defined(__i386__)
namespace robust_avx2 {
void median(const float* const* v, long n, long d, float* out);
void trimmed_mean(const float* const* v, long n, long trim, long d, float* out);
void pairwise(const float* const* v, long n, long d, double* out);
}  // namespace robust_avx2
namespace robust_avx512 {
void median(const float* const* v, long n, long d, float* out);
void trimmed_mean(const float* const* v, long n, long trim, long d, float* out);
void pairwise(const float* const* v, long n, long d, double* out);
}  // namespace robust_avx512
#endif

}  // namespace starling
