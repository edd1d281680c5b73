// The compression tables of each SIMD level: portable everywhere; AVX2 on x86 (the avx512 level uses
// it too), with F16C fp16 conversion when the CPU has F16C and the portable fp16 loops otherwise.
#include "compress.h"

namespace starling {

namespace p = compress_portable;

static const CompressTable kPortable = {
    "portable",     p::first_non_finite, p::encode_f16,   p::decode_f16,   p::encode_bf16,       p::decode_bf16,
    p::pack_signs,  p::unpack_signs,     p::sum_squares8, p::qsgd_quantize_pack, p::qsgd_unpack,
};

const CompressTable* compress_table_portable() { return &kPortable; }

#if defined(__x86_64__) || defined(__i386__)
namespace a = compress_avx2;

static const CompressTable kAvx2 = {
    "avx2",        a::first_non_finite, a::encode_f16,   a::decode_f16,   a::encode_bf16,       a::decode_bf16,
    a::pack_signs, a::unpack_signs,     a::sum_squares8, a::qsgd_quantize_pack, a::qsgd_unpack,
};

static const CompressTable kAvx2NoF16c = {
    "avx2",        a::first_non_finite, p::encode_f16,   p::decode_f16,   a::encode_bf16,       a::decode_bf16,
    a::pack_signs, a::unpack_signs,     a::sum_squares8, a::qsgd_quantize_pack, a::qsgd_unpack,
};

const CompressTable* compress_table_avx2(bool f16c) { return f16c ? &kAvx2 : &kAvx2NoF16c; }
#else
const CompressTable* compress_table_avx2(bool) { return nullptr; }
#endif

}  // namespace starling
