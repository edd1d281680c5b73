// The compressors' array loops (packages/core/src/compress/compress-kernels.ts is the specification):
// fp16/bf16 conversion, sign packing, QSGD quantize-pack and unpack, and two scans. Each level's
// functions must give the same bytes as the TypeScript reference for every input. Pointers point at
// the first used element (byte offsets are applied by the caller); n counts entries.
#pragma once
#include <cstddef>
#include <cstdint>

namespace starling {

// Where a QSGD call starts in a Philox4x32-10 stream: word `word` (0..3) of the block with the 64-bit
// counter `counter` (as (lo, hi, 0, 0)) under the key (k0, k1). See Rng.position in core.
struct PhiloxStart {
  uint32_t k0, k1;
  uint64_t counter;
  int word;
};

struct QsgdArgs {
  const float* x;
  size_t n;
  double norm;  // finite, >= 0
  uint32_t s;   // 1..65535
  int width;    // 1 + bit length of s
  PhiloxStart start;
  uint8_t* bytes;  // ceil(n * width / 8) bytes
};

struct CompressTable {
  const char* name;
  long (*first_non_finite)(const float* x, size_t n);
  void (*encode_f16)(const float* x, size_t n, uint16_t* out);
  long (*decode_f16)(const uint16_t* h, size_t n, float* out);
  void (*encode_bf16)(const float* x, size_t n, uint16_t* out);
  long (*decode_bf16)(const uint16_t* h, size_t n, float* out);
  double (*pack_signs)(const float* x, size_t n, uint8_t* bytes);
  bool (*unpack_signs)(const uint8_t* bytes, size_t n, float scale, float* out);
  double (*sum_squares8)(const float* x, size_t n);
  void (*qsgd_quantize_pack)(const QsgdArgs& a);
  long (*qsgd_unpack)(const uint8_t* bytes, size_t n, double norm, uint32_t s, int width, float* out);
};

// Bits of one QSGD code: a sign bit plus the bit length of s.
inline int qsgd_code_bits(uint32_t s) { return 1 + (32 - __builtin_clz(s)); }

// The portable loops (any CPU), and the AVX2 loops (nullptr off x86); `f16c` picks hardware fp16
// conversion when the CPU has it.
const CompressTable* compress_table_portable();
const CompressTable* compress_table_avx2(bool f16c);

// The per-concept functions the tables are made of (half.cc, sign.cc, scan.cc, qsgd.cc).
namespace compress_portable {
long first_non_finite(const float* x, size_t n);
double sum_squares8(const float* x, size_t n);
void encode_f16(const float* x, size_t n, uint16_t* out);
long decode_f16(const uint16_t* h, size_t n, float* out);
void encode_bf16(const float* x, size_t n, uint16_t* out);
long decode_bf16(const uint16_t* h, size_t n, float* out);
double pack_signs(const float* x, size_t n, uint8_t* bytes);
bool unpack_signs(const uint8_t* bytes, size_t n, float scale, float* out);
void qsgd_quantize_pack(const QsgdArgs& a);
long qsgd_unpack(const uint8_t* bytes, size_t n, double norm, uint32_t s, int width, float* out);
}  // namespace compress_portable

#if defined(__x86_64__) || defined(__i386__)
namespace compress_avx2 {
long first_non_finite(const float* x, size_t n);
double sum_squares8(const float* x, size_t n);
void encode_f16(const float* x, size_t n, uint16_t* out);  // F16C
long decode_f16(const uint16_t* h, size_t n, float* out);  // F16C
void encode_bf16(const float* x, size_t n, uint16_t* out);
long decode_bf16(const uint16_t* h, size_t n, float* out);
double pack_signs(const float* x, size_t n, uint8_t* bytes);
bool unpack_signs(const uint8_t* bytes, size_t n, float scale, float* out);
void qsgd_quantize_pack(const QsgdArgs& a);
long qsgd_unpack(const uint8_t* bytes, size_t n, double norm, uint32_t s, int width, float* out);
}  // namespace compress_avx2
#endif

}  // namespace starling
