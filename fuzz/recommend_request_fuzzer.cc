// Request validation: any RecommendRequest or ExplainRequest a client can
// send gets an answer or a precise error from a small real engine.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "services/engine/matching_engine.h"

namespace {

helixmatch::MatchingEngine* engine = nullptr;

helixmatch::MatchingEngine* MakeEngine() {
  auto vectors = helixmatch::WordVectors::FromRows(
      4, {"copper", "flotation", "wheat", "solar"},
      {{1, 0, 0, 0}, {0.9f, 0.1f, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}});
  if (!vectors.ok()) std::abort();
  char dir[] = "/tmp/helixmatch-fuzz-XXXXXX";
  if (mkdtemp(dir) == nullptr) std::abort();
  helixmatch::EngineOptions options;
  options.data_dir = dir;
  options.word_vectors = *vectors;
  options.reference_year = 2025;
  auto opened = helixmatch::MatchingEngine::Open(options);
  if (!opened.ok()) std::abort();
  google::protobuf::RepeatedPtrField<helixmatch::v1::Record> records;
  const auto org = [&](const char* id, helixmatch::v1::OrganizationKind kind) {
    auto* o = records.Add()->mutable_organization();
    o->set_id(id);
    o->set_kind(kind);
    o->set_name(id);
    o->set_country("KZ");
  };
  org("u", helixmatch::v1::ORGANIZATION_KIND_UNIVERSITY);
  org("f", helixmatch::v1::ORGANIZATION_KIND_FIRM);
  auto* cap = records.Add()->mutable_capability();
  cap->set_id("c");
  cap->set_organization_id("u");
  cap->set_title("copper flotation");
  auto* need = records.Add()->mutable_need();
  need->set_id("n");
  need->set_organization_id("f");
  need->set_title("flotation of copper");
  auto* tie = records.Add()->mutable_tie();
  tie->set_id("t");
  tie->set_organization_a("u");
  tie->set_organization_b("f");
  tie->set_channel(helixmatch::v1::CHANNEL_INTERNSHIP);
  tie->set_year(2020);
  if (!(*opened)->BatchUpsert(records).ok()) std::abort();
  return opened->release();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (engine == nullptr) engine = MakeEngine();
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  helixmatch::v1::RecommendRequest request;
  if (request.ParseFromString(bytes)) (void)engine->Recommend(request);
  helixmatch::v1::ExplainRequest explain;
  if (explain.ParseFromString(bytes)) (void)engine->Explain(explain);
  helixmatch::v1::GetRequest get;
  if (get.ParseFromString(bytes)) (void)engine->Get(get.kind(), get.id());
  return 0;
}
