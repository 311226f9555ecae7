#include "indexer/inner_product.h"

#include <immintrin.h>

namespace helixmatch {
namespace {

float PortableInnerProduct(const float* a, const float* b, size_t d) {
  // Four partial sums: the compiler can keep them in registers, and the
  // order is fixed, so results do not depend on optimisation.
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t i = 0;
  for (; i + 4 <= d; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (; i < d; ++i) s0 += a[i] * b[i];
  return (s0 + s1) + (s2 + s3);
}

__attribute__((target("avx2,fma"))) float Avx2InnerProduct(const float* a,
                                                           const float* b,
                                                           size_t d) {
  __m256 sum0 = _mm256_setzero_ps();
  __m256 sum1 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= d; i += 16) {
    sum0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i),
                           sum0);
    sum1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8),
                           _mm256_loadu_ps(b + i + 8), sum1);
  }
  if (i + 8 <= d) {
    sum0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i),
                           sum0);
    i += 8;
  }
  __m256 sum = _mm256_add_ps(sum0, sum1);
  __m128 half = _mm_add_ps(_mm256_castps256_ps128(sum),
                           _mm256_extractf128_ps(sum, 1));
  half = _mm_add_ps(half, _mm_movehl_ps(half, half));
  half = _mm_add_ss(half, _mm_shuffle_ps(half, half, 1));
  float total = _mm_cvtss_f32(half);
  for (; i < d; ++i) total += a[i] * b[i];
  return total;
}

using Kernel = float (*)(const float*, const float*, size_t);

bool HasAvx2Fma() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

const bool kAvx2 = HasAvx2Fma();
const Kernel kKernel = kAvx2 ? Avx2InnerProduct : PortableInnerProduct;

}  // namespace

float InnerProduct(const float* a, const float* b, size_t dimension) {
  return kKernel(a, b, dimension);
}

const char* InnerProductKernel() { return kAvx2 ? "avx2+fma" : "portable"; }

}  // namespace helixmatch
