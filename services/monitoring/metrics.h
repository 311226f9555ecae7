// Prometheus metrics of a server: the calls of both transports, and the
// state of the engine read at each scrape. Labels hold method names,
// transports, status codes and index kinds only: never record ids or text.
//
//   helixmatch_requests_total{transport,method,code}        counter
//   helixmatch_request_duration_seconds{transport,method}    histogram
//   helixmatch_requests_in_flight{transport}                 gauge
//   helixmatch_commit_groups_total, _commit_writes_total     counters
//   helixmatch_commit_group_writes                           histogram
//   helixmatch_commit_sync_seconds                           histogram
//   helixmatch_index_slots{index,state="live"|"tombstoned"}  gauge
//   helixmatch_index_recovery{index,outcome}                 gauge (1)
//   helixmatch_catalog_records{kind}                         gauge
//   helixmatch_store_sequence                                gauge
//   helixmatch_build_info{version,model,ranking}             gauge (1)
//   helixmatch_snapshot_sequence{role}   snapshot served (replica) or
//                                        last published (writer)
//   helixmatch_snapshot_age_seconds{role}  now minus when it was taken
//   (the two snapshot gauges only once there is a snapshot)
//
// Thread-safe.
#ifndef HELIXMATCH_SERVICES_MONITORING_METRICS_H_
#define HELIXMATCH_SERVICES_MONITORING_METRICS_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "services/engine/engine_slot.h"
#include "services/engine/matching_engine.h"
#include "services/monitoring/logging.h"

namespace helixmatch {

class ServerMetrics;

// One call from its start to its end: in flight meanwhile; Finish counts
// it, observes its latency and writes its request line. A scope destroyed
// without Finish only leaves the in-flight gauge. `metrics` may be null:
// then Finish only logs.
class CallScope {
 public:
  CallScope(ServerMetrics* metrics, Transport transport,
            std::string_view method);
  ~CallScope();
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

  // Fills in the transport, method and latency of `call` and records it.
  // At most once.
  void Finish(CallSummary call);

 private:
  ServerMetrics* metrics_;  // not owned; may be null
  Transport transport_;
  std::string_view method_;
  std::chrono::steady_clock::time_point start_;
  bool in_flight_ = false;
};

class ServerMetrics {
 public:
  // `engine` (not owned; may be null: no engine metrics) must outlive
  // this object. `version` goes into helixmatch_build_info.
  ServerMetrics(const MatchingEngine* engine, std::string version);
  // Reads the engine in `slot` at each scrape (none while it is empty),
  // and the snapshot it records. `slot` (not owned) must outlive this.
  ServerMetrics(const EngineSlot* slot, std::string version);
  // Call metrics only (no engine).
  ServerMetrics(std::nullptr_t, std::string version)
      : ServerMetrics(static_cast<const EngineSlot*>(nullptr),
                      std::move(version)) {}
  ~ServerMetrics();

  // Every metric in the Prometheus text exposition format (0.0.4).
  std::string Scrape() const;

 private:
  friend class CallScope;
  void Started(Transport transport);
  void Ended(Transport transport);
  void Finished(const CallSummary& call);

  std::unique_ptr<EngineSlot> borrowed_;  // the MatchingEngine* form
  const EngineSlot* slot_;                // not owned unless borrowed_
  const std::string version_;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Family<prometheus::Histogram>* durations_;
  prometheus::Family<prometheus::Gauge>* in_flight_;
  prometheus::Gauge* in_flight_by_transport_[2];  // by Transport
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_MONITORING_METRICS_H_
