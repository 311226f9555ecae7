// A writer and read replicas over real gRPC servers on port 0, real
// RocksDB and FAISS: the writer publishes snapshots (SnapshotPublisher),
// replicas follow them (SnapshotFollower) and swap engines under load
// without a failed call; writes reach replicas with the next publish;
// corrupt and partial snapshots are skipped; replicas refuse writes and
// report NOT_SERVING until loaded; a client spreads calls over two
// replicas round-robin and keeps answering while one stops. Publishes and
// polls are driven by PublishNow and CheckNow: no sleeps.
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "helixmatch/v1/matching.grpc.pb.h"
#include "services/cli/connection.h"
#include "services/cli/health_probe.h"
#include "services/engine/engine_slot.h"
#include "services/monitoring/metrics.h"
#include "services/replication/snapshot_follower.h"
#include "services/replication/snapshot_manifest.h"
#include "services/replication/snapshot_publisher.h"
#include "services/server/match_service.h"
#include "tests/testing/synthetic_corpus.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

EngineOptions OptionsFor(const std::string& folder) {
  EngineOptions options;
  options.data_dir = folder;
  options.word_vectors = testing::SyntheticWordVectors();
  options.reference_year = 2025;
  return options;
}

v1::Record NewOrganization(const std::string& id) {
  return testing::AsRecord(testing::MakeOrganization(
      id, v1::ORGANIZATION_KIND_FIRM, "KZ", "Almaty"));
}

std::unique_ptr<v1::MatchService::Stub> StubFor(int port) {
  return v1::MatchService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
}

grpc::Status GetOrganization(v1::MatchService::Stub& stub,
                             const std::string& id) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  v1::GetRequest request;
  request.set_kind(v1::RECORD_KIND_ORGANIZATION);
  request.set_id(id);
  v1::Record record;
  return stub.Get(&context, request, &record);
}

// One replica: its slot, follower and gRPC server.
struct Replica {
  explicit Replica(const std::string& publish_dir)
      : slot(ServerRole::kReplica), metrics(&slot, "test") {
    MatchServerOptions server_options;
    server_options.metrics = &metrics;
    auto started =
        MatchServer::Start(&slot, "127.0.0.1:0", std::move(server_options));
    EXPECT_TRUE(started.ok()) << started.status();
    server = std::move(*started);
    FollowerOptions options;
    options.publish_dir = publish_dir;
    options.work_dir = work.path();
    options.poll_ms = 0;
    options.engine = OptionsFor("");
    MatchServer* s = server.get();
    auto follower_or = SnapshotFollower::Start(
        &slot, options, [s](const SnapshotInfo&) { s->SetServing(true); });
    EXPECT_TRUE(follower_or.ok()) << follower_or.status();
    follower = std::move(*follower_or);
  }
  testing::TempDir work;
  EngineSlot slot;
  ServerMetrics metrics;
  std::unique_ptr<MatchServer> server;
  std::unique_ptr<SnapshotFollower> follower;
};

class ReplicaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto engine = MatchingEngine::Open(OptionsFor(writer_dir_.path()));
    ASSERT_TRUE(engine.ok()) << engine.status();
    writer_engine_ = std::move(*engine);
    ASSERT_TRUE(writer_engine_->BatchUpsert(testing::SyntheticCorpus()).ok());
    writer_slot_ =
        std::make_unique<EngineSlot>(writer_engine_, ServerRole::kWriter);
    auto server = MatchServer::Start(writer_slot_.get(), "127.0.0.1:0");
    ASSERT_TRUE(server.ok()) << server.status();
    writer_server_ = std::move(*server);
    PublisherOptions options;
    options.publish_dir = publish_dir();
    options.keep = 3;
    auto publisher = SnapshotPublisher::Start(writer_engine_.get(),
                                              writer_slot_.get(), options);
    ASSERT_TRUE(publisher.ok()) << publisher.status();
    publisher_ = std::move(*publisher);
  }

  std::string publish_dir() const { return publish_root_.path() + "/pub"; }

  int64_t Publish() {
    auto published = publisher_->PublishNow();
    EXPECT_TRUE(published.ok()) << published.status();
    EXPECT_TRUE(published.ok() && published->has_value());
    return published.ok() && published->has_value() ? (*published)->sequence
                                                    : 0;
  }

  void WriteOnWriter(const std::string& id) {
    grpc::ClientContext context;
    v1::UpsertRequest request;
    *request.mutable_record() = NewOrganization(id);
    v1::UpsertResponse response;
    auto status =
        StubFor(writer_server_->port())->Upsert(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  testing::TempDir writer_dir_;
  testing::TempDir publish_root_;
  std::shared_ptr<MatchingEngine> writer_engine_;
  std::unique_ptr<EngineSlot> writer_slot_;
  std::unique_ptr<MatchServer> writer_server_;
  std::unique_ptr<SnapshotPublisher> publisher_;
};

TEST_F(ReplicaTest, ReplicaIsNotServingUntilItLoadsASnapshot) {
  Replica replica(publish_dir());
  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", replica.server->port()),
                          grpc::InsecureChannelCredentials());
  auto state = CheckHealth(channel, std::chrono::seconds(5));
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(*state, "NOT_SERVING");
  // Reads are UNAVAILABLE (so a round_robin client retries elsewhere).
  EXPECT_EQ(
      GetOrganization(*StubFor(replica.server->port()), "u0-0").error_code(),
      grpc::StatusCode::UNAVAILABLE);
  // Nothing published yet: nothing to load.
  auto none = replica.follower->CheckNow();
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_FALSE(none->has_value());

  EXPECT_EQ(Publish(), 1);
  auto loaded = replica.follower->CheckNow();
  ASSERT_TRUE(loaded.ok() && loaded->has_value()) << loaded.status();
  EXPECT_EQ((*loaded)->sequence, 1);
  state = CheckHealth(channel, std::chrono::seconds(5));
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(*state, "SERVING");
  EXPECT_TRUE(GetOrganization(*StubFor(replica.server->port()), "u0-0").ok());
}

TEST_F(ReplicaTest, AWriteReachesTheReplicaWithTheNextPublish) {
  ASSERT_EQ(Publish(), 1);
  Replica replica(publish_dir());
  ASSERT_TRUE(replica.follower->CheckNow().ok());
  auto stub = StubFor(replica.server->port());

  WriteOnWriter("org:new-after-1");
  EXPECT_EQ(GetOrganization(*stub, "org:new-after-1").error_code(),
            grpc::StatusCode::NOT_FOUND);
  const auto publish_start = std::chrono::steady_clock::now();
  ASSERT_EQ(Publish(), 2);
  const auto published = std::chrono::steady_clock::now();
  auto loaded = replica.follower->CheckNow();
  const auto swapped = std::chrono::steady_clock::now();
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_TRUE(GetOrganization(*stub, "org:new-after-1").ok());
  std::printf(
      "publish %lld ms, load and swap on the replica %lld ms (synthetic "
      "corpus)\n",
      static_cast<long long>(
          std::chrono::duration_cast<std::chrono::milliseconds>(published -
                                                                publish_start)
              .count()),
      static_cast<long long>(
          std::chrono::duration_cast<std::chrono::milliseconds>(swapped -
                                                                published)
              .count()));

  // Stats and metrics name the role and the snapshot.
  grpc::ClientContext context;
  v1::StatsResponse stats;
  ASSERT_TRUE(stub->Stats(&context, v1::StatsRequest(), &stats).ok());
  EXPECT_EQ(stats.role(), "replica");
  EXPECT_EQ(stats.snapshot_sequence(), 2);
  EXPECT_GE(stats.snapshot_age_ms(), 0);
  EXPECT_THAT(replica.metrics.Scrape(),
              HasSubstr("helixmatch_snapshot_sequence{role=\"replica\"} 2"));
  grpc::ClientContext writer_context;
  v1::StatsResponse writer_stats;
  ASSERT_TRUE(StubFor(writer_server_->port())
                  ->Stats(&writer_context, v1::StatsRequest(), &writer_stats)
                  .ok());
  EXPECT_EQ(writer_stats.role(), "writer");
  EXPECT_EQ(writer_stats.snapshot_sequence(), 2);

  // Nothing changed: nothing new to publish, nothing new to load.
  auto unchanged = publisher_->PublishNow();
  ASSERT_TRUE(unchanged.ok());
  EXPECT_FALSE(unchanged->has_value());
  auto again = replica.follower->CheckNow();
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
}

TEST_F(ReplicaTest, ReplicaRefusesWritesNamingTheWriter) {
  ASSERT_EQ(Publish(), 1);
  Replica replica(publish_dir());
  ASSERT_TRUE(replica.follower->CheckNow().ok());
  auto stub = StubFor(replica.server->port());
  grpc::ClientContext context;
  v1::UpsertRequest request;
  *request.mutable_record() = NewOrganization("org:refused");
  v1::UpsertResponse response;
  const grpc::Status status = stub->Upsert(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(),
              HasSubstr("Upsert: this server is a read replica"));
  EXPECT_THAT(status.error_message(), HasSubstr("writer role"));
  grpc::ClientContext delete_context;
  v1::DeleteRequest del;
  del.set_kind(v1::RECORD_KIND_ORGANIZATION);
  del.set_id("u0-0");
  v1::DeleteResponse deleted;
  EXPECT_EQ(stub->Delete(&delete_context, del, &deleted).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  grpc::ClientContext backup_context;
  v1::BackupRequest backup;
  backup.set_folder("b");
  v1::BackupResponse backed_up;
  EXPECT_EQ(stub->Backup(&backup_context, backup, &backed_up).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // The record stays there, and nothing reached the writer.
  EXPECT_TRUE(GetOrganization(*stub, "u0-0").ok());
  EXPECT_EQ(GetOrganization(*StubFor(writer_server_->port()), "org:refused")
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(ReplicaTest, CorruptAndPartialSnapshotsAreSkipped) {
  ASSERT_EQ(Publish(), 1);
  Replica replica(publish_dir());
  ASSERT_TRUE(replica.follower->CheckNow().ok());
  auto stub = StubFor(replica.server->port());

  // Snapshot 2 with one byte flipped in an index file.
  WriteOnWriter("org:in-corrupt-2");
  ASSERT_EQ(Publish(), 2);
  const std::string index =
      SnapshotFolder(publish_dir(), 2) + "/index/capabilities.hxidx";
  {
    std::fstream f(index, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f.good());
    f.seekg(100);
    char c = 0;
    f.read(&c, 1);
    c ^= 0x5a;
    f.seekp(100);
    f.write(&c, 1);
  }
  auto skipped = replica.follower->CheckNow();
  ASSERT_TRUE(skipped.ok()) << skipped.status();
  EXPECT_FALSE(skipped->has_value());
  EXPECT_EQ(replica.follower->skipped(), 1);
  EXPECT_EQ(replica.slot.snapshot()->sequence, 1);
  EXPECT_TRUE(GetOrganization(*stub, "u0-0").ok());
  EXPECT_EQ(GetOrganization(*stub, "org:in-corrupt-2").error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Not tried again.
  ASSERT_TRUE(replica.follower->CheckNow().ok());
  EXPECT_EQ(replica.follower->skipped(), 1);

  // A partial snapshot (no MANIFEST) that LATEST names: skipped too.
  fs::create_directories(SnapshotFolder(publish_dir(), 3) + "/store");
  std::ofstream(publish_dir() + "/LATEST") << "3\n";
  ASSERT_TRUE(replica.follower->CheckNow().ok());
  EXPECT_EQ(replica.follower->skipped(), 2);
  EXPECT_EQ(replica.slot.snapshot()->sequence, 1);

  // The next good one is loaded.
  WriteOnWriter("org:in-4");
  ASSERT_EQ(Publish(), 4);
  auto loaded = replica.follower->CheckNow();
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((*loaded)->sequence, 4);
  EXPECT_TRUE(GetOrganization(*stub, "org:in-4").ok());
  EXPECT_TRUE(GetOrganization(*stub, "org:in-corrupt-2").ok());
}

TEST_F(ReplicaTest, NewReplicaFallsBackToTheNewestGoodSnapshot) {
  ASSERT_EQ(Publish(), 1);
  WriteOnWriter("org:two");
  ASSERT_EQ(Publish(), 2);
  // The newest lost a file.
  fs::remove(SnapshotFolder(publish_dir(), 2) + "/index/needs.hxidx");
  Replica replica(publish_dir());
  auto loaded = replica.follower->CheckNow();
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((*loaded)->sequence, 1);
  EXPECT_EQ(replica.follower->skipped(), 1);
}

// A replica killed in the middle of a load leaves a partial copy in its
// folder; the next start removes it and loads a good snapshot again.
TEST_F(ReplicaTest, ARestartAfterAKillMidLoadStartsClean) {
  ASSERT_EQ(Publish(), 1);
  testing::TempDir work;
  const std::string stale = work.path() + "/snapshot-1";
  fs::create_directories(stale + "/store");
  std::ofstream(stale + "/store/CURRENT") << "half a copy";
  EngineSlot slot(ServerRole::kReplica);
  FollowerOptions options;
  options.publish_dir = publish_dir();
  options.work_dir = work.path();
  options.poll_ms = 0;
  options.engine = OptionsFor("");
  auto follower = SnapshotFollower::Start(&slot, options, nullptr);
  ASSERT_TRUE(follower.ok()) << follower.status();
  EXPECT_FALSE(fs::exists(stale));
  auto loaded = (*follower)->CheckNow();
  ASSERT_TRUE(loaded.ok() && loaded->has_value()) << loaded.status();
  EXPECT_EQ((*loaded)->sequence, 1);
  EXPECT_TRUE(slot.engine()->Get(v1::RECORD_KIND_ORGANIZATION, "u0-0").ok());
}

TEST_F(ReplicaTest, OldSnapshotsArePruned) {
  for (int i = 0; i < 5; ++i) {
    WriteOnWriter(absl::StrCat("org:prune-", i));
    ASSERT_EQ(Publish(), i + 1);
  }
  EXPECT_EQ(ListSnapshots(publish_dir()), (std::vector<int64_t>{3, 4, 5}));
  auto latest = ReadLatest(publish_dir());
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(*latest, 5);
}

TEST_F(ReplicaTest, SwapsUnderLoadFailNoCall) {
  ASSERT_EQ(Publish(), 1);
  Replica replica(publish_dir());
  ASSERT_TRUE(replica.follower->CheckNow().ok());
  const auto queries = testing::FixedQueries();
  std::atomic<bool> stop{false};
  std::atomic<int> calls{0};
  std::atomic<int> failures{0};
  std::string first_failure;
  std::mutex failure_mu;
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      auto stub = StubFor(replica.server->port());
      for (int i = 0; !stop.load() && i < 100000; ++i) {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() +
                             std::chrono::seconds(20));
        v1::RecommendResponse response;
        auto status = stub->Recommend(
            &context, queries[static_cast<size_t>(t + i) % queries.size()],
            &response);
        calls.fetch_add(1);
        if (!status.ok()) {
          failures.fetch_add(1);
          std::lock_guard<std::mutex> lock(failure_mu);
          if (first_failure.empty()) first_failure = status.error_message();
        }
      }
    });
  }
  std::vector<int64_t> swap_ms;
  for (int round = 0; round < 5; ++round) {
    WriteOnWriter(absl::StrCat("org:load-", round));
    Publish();
    const auto start = std::chrono::steady_clock::now();
    auto loaded = replica.follower->CheckNow();
    swap_ms.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count());
    ASSERT_TRUE(loaded.ok() && loaded->has_value());
  }
  stop = true;
  for (auto& c : clients) c.join();
  EXPECT_EQ(failures.load(), 0) << first_failure;
  EXPECT_GT(calls.load(), 0);
  EXPECT_EQ(replica.slot.snapshot()->sequence, 6);
  std::printf("%d calls during 5 swaps, %d failed; load+swap ms:", calls.load(),
              failures.load());
  for (auto ms : swap_ms) std::printf(" %lld", static_cast<long long>(ms));
  std::printf("\n");
}

TEST_F(ReplicaTest, RoundRobinOverTwoReplicasKeepsAnsweringWhileOneStops) {
  ASSERT_EQ(Publish(), 1);
  Replica a(publish_dir());
  Replica b(publish_dir());
  ASSERT_TRUE(a.follower->CheckNow().ok());
  ASSERT_TRUE(b.follower->CheckNow().ok());
  auto target = ChannelTargetFor(absl::StrCat("127.0.0.1:", a.server->port(),
                                              ",localhost:", b.server->port()));
  ASSERT_TRUE(target.ok()) << target.status();
  grpc::ChannelArguments arguments;
  arguments.SetServiceConfigJSON(target->service_config);
  auto stub = v1::MatchService::NewStub(grpc::CreateCustomChannel(
      target->target, grpc::InsecureChannelCredentials(), arguments));
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(GetOrganization(*stub, "u0-0").ok()) << i;
  }
  b.server->Shutdown();
  int failed = 0;
  for (int i = 0; i < 40; ++i) {
    if (!GetOrganization(*stub, "u0-0").ok()) ++failed;
  }
  EXPECT_EQ(failed, 0);
}

}  // namespace
}  // namespace helixmatch
