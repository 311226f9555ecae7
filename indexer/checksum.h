// CRC-32C (Castagnoli) of byte ranges, for our file headers.
#ifndef HELIXMATCH_INDEXER_CHECKSUM_H_
#define HELIXMATCH_INDEXER_CHECKSUM_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace helixmatch {

// Extends `crc` (0 to start) with `size` bytes at `data`. Uses the SSE4.2
// instruction where the CPU has it. Thread-safe.
uint32_t Crc32c(uint32_t crc, const void* data, size_t size);

inline uint32_t Crc32c(std::string_view bytes) {
  return Crc32c(0, bytes.data(), bytes.size());
}

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_CHECKSUM_H_
