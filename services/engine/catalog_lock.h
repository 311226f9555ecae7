// The reader/writer lock over the engine's catalog. Queries hold it
// shared, the group commit exclusive while it applies a durable batch.
//
// glibc's shared_mutex lets readers overtake a waiting writer, so a steady
// stream of queries could stall writes indefinitely. Both sides pass a
// gate; a writer holds it while it waits, so new readers queue behind it.
#ifndef HELIXMATCH_SERVICES_ENGINE_CATALOG_LOCK_H_
#define HELIXMATCH_SERVICES_ENGINE_CATALOG_LOCK_H_

#include <mutex>
#include <shared_mutex>

namespace helixmatch {

class CatalogLock {
 public:
  [[nodiscard]] std::shared_lock<std::shared_mutex> Read() const {
    std::lock_guard<std::mutex> gate(gate_);
    return std::shared_lock<std::shared_mutex>(mu_);
  }
  [[nodiscard]] std::unique_lock<std::shared_mutex> Write() const {
    std::lock_guard<std::mutex> gate(gate_);
    return std::unique_lock<std::shared_mutex>(mu_);
  }

 private:
  mutable std::mutex gate_;
  mutable std::shared_mutex mu_;
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_ENGINE_CATALOG_LOCK_H_
