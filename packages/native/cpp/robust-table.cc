// The robust tables of each SIMD level: portable everywhere, AVX2 and AVX-512 on x86.
#include "robust.h"

namespace starling {

static const RobustTable kPortable = {"portable", robust_portable::median, robust_portable::trimmed_mean,
                                      robust_portable::pairwise};
const RobustTable* robust_table_portable() { return &kPortable; }

#if defined(__x86_64__) || defined(__i386__)
static const RobustTable kAvx2 = {"avx2", robust_avx2::median, robust_avx2::trimmed_mean, robust_avx2::pairwise};
static const RobustTable kAvx512 = {"avx512", robust_avx512::median, robust_avx512::trimmed_mean,
                                    robust_avx512::pairwise};
const RobustTable* robust_table_avx2() { return &kAvx2; }
const RobustTable* robust_table_avx512() { return &kAvx512; }
#else
const RobustTable* robust_table_avx2() { return nullptr; }
const RobustTable* robust_table_avx512() { return nullptr; }
#endif

}  // namespace starling
