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

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_INNER_PRODUCT_H_
