// Default locations shared by the commands.
#ifndef HELIXMATCH_INDEXER_DEFAULT_PATHS_H_
#define HELIXMATCH_INDEXER_DEFAULT_PATHS_H_

#include <cstdlib>
#include <string>

namespace helixmatch {

// $HELIXMATCH_WORD_VECTORS, else the file scripts/fetch-word-vectors.sh
// writes: ${HELIXMATCH_CACHE_DIR:-$HOME/.cache/helixmatch}/glove-6b-100d.hxwv
inline std::string DefaultWordVectorsPath() {
  if (const char* path = std::getenv("HELIXMATCH_WORD_VECTORS")) return path;
  std::string dir;
  if (const char* cache = std::getenv("HELIXMATCH_CACHE_DIR")) {
    dir = cache;
  } else if (const char* home = std::getenv("HOME")) {
    dir = std::string(home) + "/.cache/helixmatch";
  } else {
    dir = ".cache/helixmatch";
  }
  return dir + "/glove-6b-100d.hxwv";
}

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_DEFAULT_PATHS_H_
