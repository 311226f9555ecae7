// MatchServer's listening port. No records are needed: the engine is empty
// and runs on the synthetic word vectors.
#include <gtest/gtest.h>

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/engine/matching_engine.h"
#include "services/server/match_service.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

// gRPC's default SO_REUSEPORT would let a second server share the port,
// and the kernel would split the calls between the two.
TEST(MatchServerTest, RefusesAPortAlreadyInUse) {
  testing::TempDir dir;
  EngineOptions options;
  options.data_dir = dir.path() + "/db";
  options.word_vectors = testing::SyntheticWordVectors();
  auto engine = MatchingEngine::Open(options);
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  auto first = MatchServer::Start(engine->get(), "127.0.0.1:0");
  ASSERT_TRUE(first.ok()) << first.status().message();
  auto second = MatchServer::Start(
      engine->get(), absl::StrCat("127.0.0.1:", (*first)->port()));
  ASSERT_FALSE(second.ok()) << "port " << (*first)->port() << " bound twice";
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace helixmatch
