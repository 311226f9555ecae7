#include "indexer/vector_index.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/impl/AuxIndexStructures.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/impl/io.h>
#include <faiss/index_io.h>
#include <omp.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <queue>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "indexer/atomic_file.h"
#include "indexer/checksum.h"
#include "indexer/file_contents.h"
#include "indexer/hnsw_graph.h"
#include "indexer/inner_product.h"

namespace helixmatch {
namespace {

constexpr char kMagic[8] = {'H', 'X', 'I', 'D', 'X', '0', '0', '1'};
constexpr uint32_t kFormatVersion = 1;
constexpr int64_t kMaxSlots = int64_t{1} << 31;
constexpr int kMaxDimension = 4096;

#pragma pack(push, 1)
struct FileHeader {
  char magic[8];
  uint32_t format_version;
  uint32_t dimension;
  uint64_t slots;
  uint64_t store_sequence;
  uint64_t payload_bytes;
  uint32_t payload_crc;
  uint32_t header_crc;  // of every byte above
};
#pragma pack(pop)
static_assert(sizeof(FileHeader) == 48);

// What is wrong with the header of a file of `file_bytes`, or "".
std::string HeaderProblem(const FileHeader& header, size_t file_bytes,
                          int expected_dimension) {
  if (std::memcmp(header.magic, kMagic, sizeof(kMagic)) != 0) {
    return "bad magic";
  }
  if (header.header_crc !=
      Crc32c(0, &header, offsetof(FileHeader, header_crc))) {
    return "header checksum mismatch";
  }
  if (header.format_version != kFormatVersion) {
    return absl::StrCat("format version ", header.format_version,
                        ", this build reads ", kFormatVersion);
  }
  if (static_cast<int>(header.dimension) != expected_dimension) {
    return absl::StrCat("dimension ", header.dimension, ", expected ",
                        expected_dimension);
  }
  if (header.slots > static_cast<uint64_t>(kMaxSlots) ||
      header.payload_bytes != file_bytes - sizeof(header)) {
    return absl::StrCat("payload is ", file_bytes - sizeof(header),
                        " bytes, header says ", header.payload_bytes);
  }
  return "";
}

// Runs FAISS on one OpenMP thread for the lifetime of this object, in the
// calling thread only (OpenMP's thread count is per thread: a std::thread
// starts with the process default, whatever main set).
class OneOpenMpThread {
 public:
  OneOpenMpThread() : before_(omp_get_max_threads()) { omp_set_num_threads(1); }
  ~OneOpenMpThread() { omp_set_num_threads(before_); }
  OneOpenMpThread(const OneOpenMpThread&) = delete;
  OneOpenMpThread& operator=(const OneOpenMpThread&) = delete;

 private:
  int before_;
};

class FilterSelector : public faiss::IDSelector {
 public:
  explicit FilterSelector(const SlotFilter& filter) : filter_(filter) {}
  bool is_member(idx_t id) const override { return filter_.IsAllowed(id); }

 private:
  const SlotFilter& filter_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<VectorIndex>> VectorIndex::Create(
    int dimension, int64_t expected_vectors,
    const VectorIndexOptions& options) {
  if (dimension <= 0 || dimension > kMaxDimension) {
    return absl::InvalidArgumentError(absl::StrCat(
        "vector index: dimension ", dimension, " outside 1..", kMaxDimension));
  }
  auto index = std::unique_ptr<VectorIndex>(new VectorIndex());
  index->dimension_ = dimension;
  index->options_ = options;
  try {
    if (expected_vectors >= options.hnsw_threshold) {
      auto hnsw = std::make_unique<faiss::IndexHNSWFlat>(
          dimension, options.hnsw_m, faiss::METRIC_INNER_PRODUCT);
      hnsw->hnsw.efConstruction = options.hnsw_ef_construction;
      hnsw->hnsw.efSearch = options.hnsw_ef_search;
      index->index_ = std::move(hnsw);
      index->kind_ = VectorIndexKind::kHnsw;
    } else {
      index->index_ = std::make_unique<faiss::IndexFlatIP>(dimension);
      index->kind_ = VectorIndexKind::kFlat;
    }
  } catch (const faiss::FaissException& e) {
    return absl::InternalError(absl::StrCat("vector index: ", e.what()));
  }
  return index;
}

VectorIndex::~VectorIndex() = default;

int64_t VectorIndex::slots() const { return index_->ntotal; }

absl::StatusOr<int64_t> VectorIndex::Add(std::span<const float> vectors) {
  if (vectors.size() % dimension_ != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "vector index: ", vectors.size(), " floats is not a multiple of ",
        "dimension ", dimension_));
  }
  const int64_t n = static_cast<int64_t>(vectors.size()) / dimension_;
  if (index_->ntotal + n > kMaxSlots) {
    return absl::ResourceExhaustedError(
        absl::StrCat("vector index: more than ", kMaxSlots, " slots"));
  }
  const int64_t first = index_->ntotal;
  // Our insertion, not FAISS's: FAISS's parallel add gives a graph that
  // varies from run to run; ours gives the same one on any thread count.
  // By default one thread per core, at most 8: a batch holds at most 256
  // nodes, and each thread keeps a visited table as large as the index.
  const int threads = options_.build_threads > 0
                          ? options_.build_threads
                          : static_cast<int>(std::clamp(
                                std::thread::hardware_concurrency(), 1u, 8u));
  try {
    if (kind_ == VectorIndexKind::kFlat &&
        first + n >= options_.hnsw_threshold) {
      // Grown past the exact-search size: move every slot, in order, into
      // a graph index (a one-time cost paid by the writer).
      auto hnsw = std::make_unique<faiss::IndexHNSWFlat>(
          dimension_, options_.hnsw_m, faiss::METRIC_INNER_PRODUCT);
      hnsw->hnsw.efConstruction = options_.hnsw_ef_construction;
      hnsw->hnsw.efSearch = options_.hnsw_ef_search;
      if (first > 0) AddToGraph(*hnsw, first, SlotVector(0), threads);
      index_ = std::move(hnsw);
      kind_ = VectorIndexKind::kHnsw;
      AddToGraph(static_cast<faiss::IndexHNSWFlat&>(*index_), n, vectors.data(),
                 threads);
    } else if (kind_ == VectorIndexKind::kHnsw) {
      AddToGraph(static_cast<faiss::IndexHNSWFlat&>(*index_), n, vectors.data(),
                 threads);
    } else {
      index_->add(n, vectors.data());
    }
  } catch (const faiss::FaissException& e) {
    return absl::InternalError(absl::StrCat("vector index add: ", e.what()));
  }
  return first;
}

const float* VectorIndex::SlotVector(int64_t slot) const {
  const faiss::Index* storage = index_.get();
  if (kind_ == VectorIndexKind::kHnsw) {
    storage = static_cast<const faiss::IndexHNSW*>(index_.get())->storage;
  }
  return static_cast<const faiss::IndexFlat*>(storage)->get_xb() +
         slot * dimension_;
}

float VectorIndex::Score(std::span<const float> query, int64_t slot) const {
  if (slot < 0 || slot >= index_->ntotal ||
      static_cast<int>(query.size()) != dimension_) {
    return 0.0f;
  }
  return InnerProduct(query.data(), SlotVector(slot),
                      static_cast<size_t>(dimension_));
}

void VectorIndex::Prefetch(int64_t slot) const {
  if (slot < 0 || slot >= index_->ntotal) return;
  PrefetchForRead(SlotVector(slot),
                  sizeof(float) * static_cast<size_t>(dimension_));
}

std::vector<VectorHit> VectorIndex::ExactScan(std::span<const float> query,
                                              int k,
                                              const SlotFilter& filter) const {
  const auto worse = [](const VectorHit& a, const VectorHit& b) {
    return a.score > b.score || (a.score == b.score && a.slot < b.slot);
  };
  std::priority_queue<VectorHit, std::vector<VectorHit>, decltype(worse)> top(
      worse);
  for (int64_t slot = 0; slot < index_->ntotal; ++slot) {
    if (!filter.IsAllowed(slot)) continue;
    const VectorHit hit{slot, Score(query, slot)};
    if (static_cast<int>(top.size()) < k) {
      top.push(hit);
    } else if (!worse(hit, top.top())) {
      continue;
    } else {
      top.pop();
      top.push(hit);
    }
  }
  std::vector<VectorHit> hits(top.size());
  for (size_t i = hits.size(); i-- > 0;) {
    hits[i] = top.top();
    top.pop();
  }
  return hits;
}

absl::StatusOr<std::vector<VectorHit>> VectorIndex::Search(
    std::span<const float> query, int k, const SlotFilter* filter) const {
  if (static_cast<int>(query.size()) != dimension_) {
    return absl::InvalidArgumentError(
        absl::StrCat("query vector has ", query.size(),
                     " components, the index has dimension ", dimension_));
  }
  if (k <= 0 || index_->ntotal == 0) return std::vector<VectorHit>{};
  k = static_cast<int>(std::min<int64_t>(k, index_->ntotal));
  if (filter != nullptr && kind_ == VectorIndexKind::kHnsw) {
    const int64_t allowed = filter->AllowedCountHint();
    if (allowed >= 0 &&
        allowed < options_.exact_scan_share * static_cast<double>(slots())) {
      return ExactScan(query, k, *filter);
    }
  }
  std::vector<float> distances(k);
  std::vector<faiss::Index::idx_t> labels(k);
  std::optional<FilterSelector> selector;
  if (filter != nullptr) selector.emplace(*filter);
  try {
    if (kind_ == VectorIndexKind::kHnsw) {
      SearchGraph(static_cast<const faiss::IndexHNSWFlat&>(*index_), query, k,
                  options_.hnsw_ef_search, selector ? &*selector : nullptr,
                  distances.data(), labels.data());
    } else {
      // A flat scan: FAISS would wake its OpenMP threads for it.
      OneOpenMpThread one_thread;
      faiss::SearchParameters params;
      params.sel = selector ? &*selector : nullptr;
      index_->search(1, query.data(), k, distances.data(), labels.data(),
                     &params);
    }
  } catch (const faiss::FaissException& e) {
    return absl::InternalError(absl::StrCat("vector search: ", e.what()));
  }
  std::vector<VectorHit> hits;
  hits.reserve(k);
  for (int i = 0; i < k; ++i) {
    if (labels[i] < 0) break;
    hits.push_back({labels[i], distances[i]});
  }
  return hits;
}

std::string VectorIndex::Describe() const {
  if (kind_ == VectorIndexKind::kHnsw) {
    return absl::StrFormat("HNSW%d(IP) %dd, %d slots", options_.hnsw_m,
                           dimension_, slots());
  }
  return absl::StrFormat("Flat(IP) %dd, %d slots", dimension_, slots());
}

absl::Status VectorIndex::Save(const std::string& path,
                               const VectorIndexFileInfo& info) const {
  if (static_cast<int64_t>(info.slot_ids.size()) != slots()) {
    return absl::InvalidArgumentError(
        absl::StrCat("vector index save: ", info.slot_ids.size(), " ids for ",
                     slots(), " slots"));
  }
  std::string ids;
  for (const std::string& id : info.slot_ids) {
    if (id.size() > 0xFFFF) {
      return absl::InvalidArgumentError("vector index save: id too long");
    }
    const uint16_t length = static_cast<uint16_t>(id.size());
    ids.append(reinterpret_cast<const char*>(&length), sizeof(length));
    ids.append(id);
  }
  faiss::VectorIOWriter writer;
  try {
    faiss::write_index(index_.get(), &writer);
  } catch (const faiss::FaissException& e) {
    return absl::InternalError(absl::StrCat("vector index save: ", e.what()));
  }
  const absl::string_view faiss_bytes(
      reinterpret_cast<const char*>(writer.data.data()), writer.data.size());
  FileHeader header{};
  std::memcpy(header.magic, kMagic, sizeof(kMagic));
  header.format_version = kFormatVersion;
  header.dimension = static_cast<uint32_t>(dimension_);
  header.slots = static_cast<uint64_t>(slots());
  header.store_sequence = info.store_sequence;
  header.payload_bytes = ids.size() + faiss_bytes.size();
  header.payload_crc = Crc32c(Crc32c(0, ids.data(), ids.size()),
                              faiss_bytes.data(), faiss_bytes.size());
  header.header_crc = Crc32c(0, &header, offsetof(FileHeader, header_crc));
  const absl::string_view parts[] = {
      {reinterpret_cast<const char*>(&header), sizeof(header)},
      ids,
      faiss_bytes};
  return WriteFileAtomically(path, parts);
}

absl::StatusOr<std::unique_ptr<VectorIndex>> VectorIndex::Load(
    const std::string& path, int expected_dimension, VectorIndexFileInfo* info,
    const VectorIndexOptions& options) {
  auto contents = ReadFileContents(path);
  if (absl::IsNotFound(contents.status())) {
    return absl::NotFoundError(absl::StrCat("index file '", path, "' missing"));
  }
  if (!contents.ok()) return contents.status();
  const std::string bytes = std::move(*contents);
  const auto corrupt = [&](absl::string_view what) {
    return absl::DataLossError(absl::StrCat("index file '", path, "': ", what));
  };
  FileHeader header;
  if (bytes.size() < sizeof(header)) return corrupt("shorter than its header");
  std::memcpy(&header, bytes.data(), sizeof(header));
  if (std::string problem =
          HeaderProblem(header, bytes.size(), expected_dimension);
      !problem.empty()) {
    return corrupt(problem);
  }
  const absl::string_view payload =
      absl::string_view(bytes).substr(sizeof(header));
  if (Crc32c(0, payload.data(), payload.size()) != header.payload_crc) {
    return corrupt("payload checksum mismatch");
  }
  VectorIndexFileInfo read_info;
  read_info.store_sequence = header.store_sequence;
  // Each id takes at least two bytes: never trust the count for memory.
  read_info.slot_ids.reserve(
      std::min<uint64_t>(header.slots, payload.size() / 2));
  size_t pos = 0;
  for (uint64_t i = 0; i < header.slots; ++i) {
    uint16_t length;
    if (pos + sizeof(length) > payload.size()) return corrupt("ids truncated");
    std::memcpy(&length, payload.data() + pos, sizeof(length));
    pos += sizeof(length);
    if (pos + length > payload.size()) return corrupt("ids truncated");
    read_info.slot_ids.emplace_back(payload.substr(pos, length));
    pos += length;
  }
  faiss::VectorIOReader reader;
  reader.data.assign(payload.begin() + static_cast<std::ptrdiff_t>(pos),
                     payload.end());
  auto index = std::unique_ptr<VectorIndex>(new VectorIndex());
  index->dimension_ = expected_dimension;
  index->options_ = options;
  try {
    index->index_.reset(faiss::read_index(&reader));
  } catch (const faiss::FaissException& e) {
    return corrupt(absl::StrCat("FAISS payload unreadable: ", e.what()));
  }
  if (auto* hnsw = dynamic_cast<faiss::IndexHNSWFlat*>(index->index_.get())) {
    index->kind_ = VectorIndexKind::kHnsw;
    index->options_.hnsw_m = hnsw->hnsw.nb_neighbors(1);
    hnsw->hnsw.efSearch = options.hnsw_ef_search;
  } else if (dynamic_cast<faiss::IndexFlatIP*>(index->index_.get()) !=
             nullptr) {
    index->kind_ = VectorIndexKind::kFlat;
  } else {
    return corrupt("unexpected FAISS index type");
  }
  if (index->index_->d != expected_dimension ||
      index->index_->ntotal != static_cast<int64_t>(header.slots)) {
    return corrupt(absl::StrCat("FAISS payload holds ", index->index_->ntotal,
                                " vectors of dimension ", index->index_->d,
                                ", header says ", header.slots));
  }
  *info = std::move(read_info);
  return index;
}

}  // namespace helixmatch
