// Sorting networks for the SIMD selection kernels: one comparator list per call, applied to W
// coordinates at once (each SIMD lane sorts its own column with min/max), so no branch depends on data.
#include <algorithm>

#include "robust.h"

namespace starling {

std::vector<Comparator> selection_network(long n, long first, long last) {
  // Batcher's odd-even merge sort, iterative form (Knuth, TAOCP vol. 3, 5.3.4, exercise 11 style).
  std::vector<Comparator> all;
  for (long p = 1; p < n; p <<= 1) {
    for (long k = p; k >= 1; k >>= 1) {
      for (long j = k % p; j + k < n; j += 2 * k) {
        for (long i = 0; i < k && i + j + k < n; i++) {
          if ((i + j) / (2 * p) == (i + j + k) / (2 * p)) all.emplace_back(i + j, i + j + k);
        }
      }
    }
  }
  // Walk backwards keeping the comparators whose outputs are needed; their inputs become needed.
  std::vector<char> need(static_cast<size_t>(n), 0);
  for (long i = first; i < last; i++) need[static_cast<size_t>(i)] = 1;
  std::vector<Comparator> kept;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    const size_t a = static_cast<size_t>(it->first), b = static_cast<size_t>(it->second);
    if (need[a] || need[b]) {
      need[a] = need[b] = 1;
      kept.push_back(*it);
    }
  }
  std::reverse(kept.begin(), kept.end());
  return kept;
}

}  // namespace starling
