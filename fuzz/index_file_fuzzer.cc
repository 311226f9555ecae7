// Our index file header and payload checks: any file is rejected with an
// error or loaded consistently, never a crash (FAISS itself trusts files).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "indexer/vector_index.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path =
      "/tmp/helixmatch-index-fuzz-" + std::to_string(getpid()) + ".hxidx";
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  helixmatch::VectorIndexFileInfo info;
  auto index = helixmatch::VectorIndex::Load(path, 100, &info);
  if (index.ok()) {
    const std::vector<float> query(100, 0.1f);
    (void)(*index)->Search(query, 5);
  }
  return 0;
}
