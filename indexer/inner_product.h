#ifndef HELIXMATCH_INDEXER_INNER_PRODUCT_H_
#define HELIXMATCH_INDEXER_INNER_PRODUCT_H_

#include <cstddef>

namespace helixmatch {

// The inner product of two float vectors of `dimension` components. Uses
// AVX2 and FMA when the CPU has them (checked once, at start-up), plain
// loops otherwise; the two may differ in the last bits, never more.
// (Debian's FAISS is built for any x86-64 and computes this without
// either, which made it most of the search and index-build time.)
float InnerProduct(const float* a, const float* b, size_t dimension);

// Which kernel InnerProduct uses: "avx2+fma" or "portable".
const char* InnerProductKernel();

// Asks the CPU to start loading every cache line of `bytes` bytes from
// `begin` (a hint: nothing changes but timing). Loops over scattered
// vectors and lists call it a few items ahead, so the misses overlap.
inline void PrefetchForRead(const void* begin, size_t bytes) {
  const char* p = static_cast<const char*>(begin);
  for (size_t line = 0; line < bytes; line += 64) {
    __builtin_prefetch(p + line, 0, 3);
  }
}

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_INNER_PRODUCT_H_
