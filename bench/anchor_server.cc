// anchor_server: the yardstick of the serving benchmark. A bare FAISS
// IndexHNSWFlat (inner product) over the same capability vectors as a
// helixmatch data folder's capability index, behind one unary gRPC call
// (helixmatch.bench.AnchorService/Search in bench/anchor.proto). A text
// query is tokenized and embedded with the data folder's own embedding
// model, as Recommend does with a text query; nothing else happens.
//
//   build/bench/anchor_server --db DIR --listen 127.0.0.1:0 --port-file F
//
// Start it before helixmatch-server on the same folder: it opens the store
// only to read the embedding model and closes it again before serving
// (RocksDB admits one process at a time). Run it with OMP_NUM_THREADS=1
// and OMP_WAIT_POLICY=PASSIVE in the environment: gRPC's worker threads do
// not inherit omp_set_num_threads from main, which only the graph build
// uses (--build-threads, every core by default). Stops on SIGINT or SIGTERM.
#include <faiss/IndexHNSW.h>
#include <faiss/impl/FaissException.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <omp.h>
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "bench/anchor.grpc.pb.h"
#include "indexer/data_dir.h"
#include "indexer/default_paths.h"
#include "indexer/embedder.h"
#include "indexer/record_store.h"
#include "indexer/text_analyzer.h"
#include "indexer/vector_index.h"
#include "indexer/word_vectors.h"
#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"

namespace helixmatch::bench {
namespace {

constexpr int kMaxK = 100;
constexpr size_t kMaxTextBytes = 4096;

struct AnchorIndex {
  std::unique_ptr<faiss::IndexHNSWFlat> hnsw;
  std::vector<std::string> ids;  // capability id per HNSW label
  std::unique_ptr<Embedder> embedder;
};

struct AnchorOptions {
  std::string db;
  std::string word_vectors = DefaultWordVectorsPath();
  int m = 32;
  int ef_construction = 160;  // as helixmatch's VectorIndexOptions
  int ef_search = 64;
};

// The embedding model of the store, and every live vector of the saved
// capability index copied into a new HNSW graph.
absl::StatusOr<AnchorIndex> BuildAnchorIndex(const AnchorOptions& options) {
  const DataDir dir{options.db};
  AnchorIndex anchor;
  {
    auto vectors = WordVectors::Load(options.word_vectors);
    if (!vectors.ok()) return vectors.status();
    RecordStoreOptions store_options;
    store_options.create_if_missing = false;
    auto store = RecordStore::Open(dir.StorePath(), store_options);
    if (!store.ok()) return store.status();
    auto model = (*store)->GetModel();
    if (!model.ok()) return model.status();
    if (!model->has_value()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "'", options.db, "' has no embedding model: import first"));
    }
    auto embedder = GloveIdfEmbedder::FromModel(*vectors, **model);
    if (!embedder.ok()) return embedder.status();
    anchor.embedder = std::move(*embedder);
  }  // closes the store before helixmatch-server opens it
  VectorIndexFileInfo info;
  auto saved = VectorIndex::Load(dir.IndexPath(v1::RECORD_KIND_CAPABILITY),
                                 anchor.embedder->Dimension(), &info);
  if (!saved.ok()) return saved.status();
  const int dimension = (*saved)->dimension();
  std::vector<float> vectors;
  for (int64_t slot = 0; slot < (*saved)->slots(); ++slot) {
    if (info.slot_ids[slot].empty()) continue;  // deleted
    const auto v = (*saved)->Vector(slot);
    vectors.insert(vectors.end(), v.begin(), v.end());
    anchor.ids.push_back(info.slot_ids[slot]);
  }
  saved->reset();
  try {
    anchor.hnsw = std::make_unique<faiss::IndexHNSWFlat>(
        dimension, options.m, faiss::METRIC_INNER_PRODUCT);
    anchor.hnsw->hnsw.efConstruction = options.ef_construction;
    anchor.hnsw->hnsw.efSearch = options.ef_search;
    anchor.hnsw->add(static_cast<faiss::Index::idx_t>(anchor.ids.size()),
                     vectors.data());
  } catch (const faiss::FaissException& e) {
    return absl::InternalError(absl::StrCat("building HNSW: ", e.what()));
  }
  return anchor;
}

class AnchorServiceImpl final : public AnchorService::Service {
 public:
  explicit AnchorServiceImpl(const AnchorIndex* index) : index_(index) {}

  grpc::Status Search(grpc::ServerContext*, const SearchRequest* request,
                      SearchResponse* response) override {
    const int dimension = index_->hnsw->d;
    if (request->k() < 1 || request->k() > kMaxK) {
      return {grpc::StatusCode::INVALID_ARGUMENT,
              absl::StrCat("k: ", request->k(), " is outside 1..", kMaxK)};
    }
    std::vector<float> query;
    if (!request->text().empty() && request->vector_size() == 0) {
      if (request->text().size() > kMaxTextBytes) {
        return {grpc::StatusCode::INVALID_ARGUMENT,
                absl::StrCat("text: over ", kMaxTextBytes, " bytes")};
      }
      query = index_->embedder->Embed(Tokenize(request->text()));
    } else if (request->text().empty() && request->vector_size() == dimension) {
      query.assign(request->vector().begin(), request->vector().end());
    } else {
      return {grpc::StatusCode::INVALID_ARGUMENT,
              absl::StrCat("exactly one of text and vector (", dimension,
                           " floats) is required")};
    }
    const int k = request->k();
    std::vector<float> distances(k);
    std::vector<faiss::Index::idx_t> labels(k);
    try {
      index_->hnsw->search(1, query.data(), k, distances.data(), labels.data());
    } catch (const faiss::FaissException& e) {
      return {grpc::StatusCode::INTERNAL, e.what()};
    }
    for (int i = 0; i < k && labels[i] >= 0; ++i) {
      response->add_ids(index_->ids[labels[i]]);
      response->add_scores(distances[i]);
    }
    return grpc::Status::OK;
  }

 private:
  const AnchorIndex* index_;  // not owned
};

}  // namespace
}  // namespace helixmatch::bench

int main(int argc, char** argv) {
  CLI::App app{
      "anchor_server: a bare FAISS HNSW index over a helixmatch data "
      "folder's capability vectors, behind one unary gRPC call"};
  helixmatch::bench::AnchorOptions options;
  std::string listen = "127.0.0.1:0", port_file;
  app.add_option("--db", options.db, "helixmatch data folder")->required();
  app.add_option("--listen", listen, "Address; port 0 picks a free one")
      ->capture_default_str();
  app.add_option("--port-file", port_file, "Write the bound port here");
  app.add_option("--word-vectors", options.word_vectors)->capture_default_str();
  app.add_option("--m", options.m, "HNSW links per node")
      ->capture_default_str();
  app.add_option("--ef-construction", options.ef_construction)
      ->capture_default_str();
  app.add_option("--ef-search", options.ef_search)->capture_default_str();
  int build_threads = static_cast<int>(std::thread::hardware_concurrency());
  app.add_option("--build-threads", build_threads,
                 "OpenMP threads of the HNSW build (not of the searches)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  CLI11_PARSE(app, argc, argv);
  spdlog::set_default_logger(spdlog::stderr_color_mt("anchor"));

  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const auto start = std::chrono::steady_clock::now();
  omp_set_num_threads(build_threads);
  auto index = helixmatch::bench::BuildAnchorIndex(options);
  omp_set_num_threads(1);
  if (!index.ok()) {
    spdlog::error("{}", std::string(index.status().message()));
    return 1;
  }
  spdlog::info(
      "HNSW{}(IP) {}d, {} vectors, efConstruction {}, efSearch {}; built in "
      "{:.1f} s with {} threads",
      options.m, index->hnsw->d, index->ids.size(), options.ef_construction,
      options.ef_search,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count(),
      build_threads);

  helixmatch::bench::AnchorServiceImpl service(&*index);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    spdlog::error("cannot listen on {}", listen);
    return 1;
  }
  if (!port_file.empty()) std::ofstream(port_file) << port << "\n";
  spdlog::info("anchor listening on port {}", port);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  server->Shutdown();
  spdlog::info("stopped");
  return 0;
}
