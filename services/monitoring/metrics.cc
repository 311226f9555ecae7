#include "services/monitoring/metrics.h"

#include <limits>
#include <utility>
#include <vector>

#include "prometheus/text_serializer.h"
#include "services/ranking/weights.h"

namespace helixmatch {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *buckets;
}

MetricFamily Family(std::string name, std::string help, MetricType type) {
  MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  return family;
}

ClientMetric Value(double value, std::vector<ClientMetric::Label> labels = {},
                   MetricType type = MetricType::Gauge) {
  ClientMetric metric;
  metric.label = std::move(labels);
  if (type == MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  return metric;
}

template <size_t N>
ClientMetric Buckets(const BucketCounts<N>& counts) {
  ClientMetric metric;
  uint64_t cumulative = 0;
  for (size_t i = 0; i < N; ++i) {
    cumulative += static_cast<uint64_t>(counts.counts[i]);
    metric.histogram.bucket.push_back({cumulative, counts.bounds[i]});
  }
  cumulative += static_cast<uint64_t>(counts.counts[N]);
  metric.histogram.bucket.push_back(
      {cumulative, std::numeric_limits<double>::infinity()});
  metric.histogram.sample_count = cumulative;
  metric.histogram.sample_sum = counts.sum;
  return metric;
}

std::string_view RecoveryName(IndexRecovery::How how) {
  switch (how) {
    case IndexRecovery::How::kLoaded:
      return "loaded";
    case IndexRecovery::How::kReplayed:
      return "replayed";
    case IndexRecovery::How::kRebuilt:
      return "rebuilt";
  }
  return "unknown";
}

// The engine's state at this moment, as metric families.
std::vector<MetricFamily> EngineFamilies(const MatchingEngine& engine,
                                         const std::string& version) {
  const EngineMetrics m = engine.Metrics();
  const v1::StatsResponse stats = engine.Stats();
  std::vector<MetricFamily> families;

  auto groups = Family("helixmatch_commit_groups_total",
                       "Group commits written (one synced store batch each)",
                       MetricType::Counter);
  groups.metric.push_back(
      Value(static_cast<double>(m.commits.groups), {}, MetricType::Counter));
  families.push_back(std::move(groups));
  auto writes =
      Family("helixmatch_commit_writes_total",
             "Writes acknowledged by group commits", MetricType::Counter);
  writes.metric.push_back(
      Value(static_cast<double>(m.commits.writes), {}, MetricType::Counter));
  families.push_back(std::move(writes));
  auto sizes = Family("helixmatch_commit_group_writes",
                      "Writes per group commit", MetricType::Histogram);
  sizes.metric.push_back(Buckets(m.commits.group_writes));
  families.push_back(std::move(sizes));
  auto sync = Family("helixmatch_commit_sync_seconds",
                     "Seconds the synced store write of a group took",
                     MetricType::Histogram);
  sync.metric.push_back(Buckets(m.commits.sync_seconds));
  families.push_back(std::move(sync));

  auto slots = Family("helixmatch_index_slots",
                      "Vector index slots: live, and tombstoned (deleted or "
                      "replaced records, skipped by searches)",
                      MetricType::Gauge);
  auto recovery = Family("helixmatch_index_recovery",
                         "How each vector index was obtained at start (1 on "
                         "the outcome that happened)",
                         MetricType::Gauge);
  for (const auto& [name, index] :
       {std::pair<std::string, const EngineMetrics::Index&>{"capability",
                                                            m.capability_index},
        {"need", m.need_index}}) {
    slots.metric.push_back(Value(static_cast<double>(index.live),
                                 {{"index", name}, {"state", "live"}}));
    slots.metric.push_back(Value(static_cast<double>(index.slots - index.live),
                                 {{"index", name}, {"state", "tombstoned"}}));
    for (auto how : {IndexRecovery::How::kLoaded, IndexRecovery::How::kReplayed,
                     IndexRecovery::How::kRebuilt}) {
      recovery.metric.push_back(Value(
          how == index.recovery ? 1 : 0,
          {{"index", name}, {"outcome", std::string(RecoveryName(how))}}));
    }
  }
  families.push_back(std::move(slots));
  families.push_back(std::move(recovery));

  auto records =
      Family("helixmatch_catalog_records",
             "Live records in the catalog, by kind", MetricType::Gauge);
  for (const auto& [kind, count] :
       {std::pair<std::string, int64_t>{"organization", stats.organizations()},
        {"capability", stats.capabilities()},
        {"need", stats.needs()},
        {"tie", stats.ties()},
        {"outcome", stats.outcomes()}}) {
    records.metric.push_back(
        Value(static_cast<double>(count), {{"kind", kind}}));
  }
  families.push_back(std::move(records));

  auto sequence =
      Family("helixmatch_store_sequence",
             "Latest RocksDB sequence number of the store", MetricType::Gauge);
  sequence.metric.push_back(Value(static_cast<double>(stats.store_sequence())));
  families.push_back(std::move(sequence));

  auto build =
      Family("helixmatch_build_info",
             "Version, embedding model and ranking model or weights (1)",
             MetricType::Gauge);
  build.metric.push_back(Value(1, {{"version", version},
                                   {"model", engine.model_identity()},
                                   {"ranking", engine.ranking_identity()}}));
  families.push_back(std::move(build));
  return families;
}

}  // namespace

CallScope::CallScope(ServerMetrics* metrics, Transport transport,
                     std::string_view method)
    : metrics_(metrics),
      transport_(transport),
      method_(method),
      start_(std::chrono::steady_clock::now()) {
  if (metrics_ != nullptr) {
    metrics_->Started(transport_);
    in_flight_ = true;
  }
}

CallScope::~CallScope() {
  if (in_flight_) metrics_->Ended(transport_);
}

void CallScope::Finish(CallSummary call) {
  call.transport = transport_;
  call.method = method_;
  call.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_)
          .count();
  if (metrics_ != nullptr) metrics_->Finished(call);
  LogRequest(call);
}

ServerMetrics::ServerMetrics(const MatchingEngine* engine, std::string version)
    : ServerMetrics(static_cast<const EngineSlot*>(nullptr),
                    std::move(version)) {
  // The slot never hands the engine out for writing: Scrape only reads.
  borrowed_ = EngineSlot::Borrowing(const_cast<MatchingEngine*>(engine));
  slot_ = borrowed_.get();
}

ServerMetrics::ServerMetrics(const EngineSlot* slot, std::string version)
    : slot_(slot),
      version_(std::move(version)),
      registry_(std::make_shared<prometheus::Registry>()),
      requests_(&prometheus::BuildCounter()
                     .Name("helixmatch_requests_total")
                     .Help("Calls answered, by transport, method and status "
                           "code")
                     .Register(*registry_)),
      durations_(&prometheus::BuildHistogram()
                      .Name("helixmatch_request_duration_seconds")
                      .Help("Seconds from a call's start to its answer")
                      .Register(*registry_)),
      in_flight_(&prometheus::BuildGauge()
                      .Name("helixmatch_requests_in_flight")
                      .Help("Calls being answered now")
                      .Register(*registry_)) {
  for (Transport t : {Transport::kGrpc, Transport::kHttp}) {
    in_flight_by_transport_[static_cast<int>(t)] =
        &in_flight_->Add({{"transport", std::string(TransportName(t))}});
  }
}

ServerMetrics::~ServerMetrics() = default;

void ServerMetrics::Started(Transport transport) {
  in_flight_by_transport_[static_cast<int>(transport)]->Increment();
}

void ServerMetrics::Ended(Transport transport) {
  in_flight_by_transport_[static_cast<int>(transport)]->Decrement();
}

void ServerMetrics::Finished(const CallSummary& call) {
  const std::string transport(TransportName(call.transport));
  const std::string method(call.method);
  requests_
      ->Add({{"transport", transport},
             {"method", method},
             {"code", StatusCodeName(call.code)}})
      .Increment();
  durations_
      ->Add({{"transport", transport}, {"method", method}}, LatencyBuckets())
      .Observe(call.seconds);
}

std::string ServerMetrics::Scrape() const {
  std::vector<MetricFamily> families = registry_->Collect();
  if (slot_ == nullptr) return prometheus::TextSerializer().Serialize(families);
  if (auto engine = slot_->engine()) {
    for (auto& family : EngineFamilies(*engine, version_)) {
      families.push_back(std::move(family));
    }
  }
  if (auto snapshot = slot_->snapshot()) {
    const std::vector<ClientMetric::Label> role = {
        {"role", ServerRoleName(slot_->role())}};
    auto sequence = Family("helixmatch_snapshot_sequence",
                           "Snapshot served (replica) or last published "
                           "(writer)",
                           MetricType::Gauge);
    sequence.metric.push_back(
        Value(static_cast<double>(snapshot->sequence), role));
    families.push_back(std::move(sequence));
    auto age = Family("helixmatch_snapshot_age_seconds",
                      "Seconds since the writer took that snapshot",
                      MetricType::Gauge);
    age.metric.push_back(
        Value(static_cast<double>(SnapshotAgeMs(*snapshot)) / 1000.0, role));
    families.push_back(std::move(age));
  }
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace helixmatch
