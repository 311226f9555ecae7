#include "indexer/vector_index.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexer/checksum.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using ::testing::HasSubstr;
using testing::RandomUnitVectors;

std::span<const float> Row(const std::vector<float>& vectors, int dimension,
                           int64_t i) {
  return {vectors.data() + i * dimension, static_cast<size_t>(dimension)};
}

class SetFilter : public SlotFilter {
 public:
  SetFilter(std::unordered_set<int64_t> allowed, int64_t hint)
      : allowed_(std::move(allowed)), hint_(hint) {}
  bool IsAllowed(int64_t slot) const override {
    return allowed_.contains(slot);
  }
  int64_t AllowedCountHint() const override { return hint_; }

 private:
  std::unordered_set<int64_t> allowed_;
  int64_t hint_;
};

// Best k slots by inner product (ties: lower slot first).
std::vector<VectorHit> BruteForce(const std::vector<float>& vectors,
                                  int dimension, std::span<const float> query,
                                  int k, const SlotFilter* filter = nullptr) {
  std::vector<VectorHit> all;
  const int64_t n = static_cast<int64_t>(vectors.size()) / dimension;
  for (int64_t slot = 0; slot < n; ++slot) {
    if (filter != nullptr && !filter->IsAllowed(slot)) continue;
    float dot = 0;
    for (int d = 0; d < dimension; ++d) {
      dot += query[d] * vectors[slot * dimension + d];
    }
    all.push_back({slot, dot});
  }
  std::sort(all.begin(), all.end(), [](const VectorHit& a, const VectorHit& b) {
    return a.score > b.score || (a.score == b.score && a.slot < b.slot);
  });
  if (static_cast<int>(all.size()) > k) all.resize(k);
  return all;
}

std::vector<int64_t> Slots(const std::vector<VectorHit>& hits) {
  std::vector<int64_t> slots;
  for (const auto& hit : hits) slots.push_back(hit.slot);
  return slots;
}

void ExpectSameHits(const std::vector<VectorHit>& actual,
                    const std::vector<VectorHit>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(actual[i].slot, expected[i].slot) << "rank " << i;
    EXPECT_NEAR(actual[i].score, expected[i].score, 1e-5) << "rank " << i;
  }
}

std::unique_ptr<VectorIndex> MakeIndex(const std::vector<float>& vectors,
                                       int dimension,
                                       const VectorIndexOptions& options = {}) {
  const int64_t n = static_cast<int64_t>(vectors.size()) / dimension;
  auto index = VectorIndex::Create(dimension, n, options);
  EXPECT_TRUE(index.ok()) << index.status();
  if (!index.ok()) return nullptr;
  auto first = (*index)->Add(vectors);
  EXPECT_TRUE(first.ok()) << first.status();
  return std::move(*index);
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::string> SlotIds(int64_t n) {
  std::vector<std::string> ids;
  for (int64_t i = 0; i < n; ++i) ids.push_back("cap:" + std::to_string(i));
  return ids;
}

constexpr VectorIndexOptions kForceHnsw{.hnsw_threshold = 1};

TEST(VectorIndexTest, CreatePicksKindByThreshold) {
  auto flat = VectorIndex::Create(8, 10);
  ASSERT_TRUE(flat.ok()) << flat.status();
  EXPECT_EQ((*flat)->kind(), VectorIndexKind::kFlat);
  EXPECT_EQ((*flat)->dimension(), 8);
  EXPECT_EQ((*flat)->slots(), 0);
  auto hnsw = VectorIndex::Create(8, 10, kForceHnsw);
  ASSERT_TRUE(hnsw.ok()) << hnsw.status();
  EXPECT_EQ((*hnsw)->kind(), VectorIndexKind::kHnsw);
  auto at_threshold = VectorIndex::Create(8, 100, {.hnsw_threshold = 100});
  ASSERT_TRUE(at_threshold.ok());
  EXPECT_EQ((*at_threshold)->kind(), VectorIndexKind::kHnsw);
  EXPECT_THAT((*hnsw)->Describe(), HasSubstr("HNSW"));
  EXPECT_THAT((*flat)->Describe(), HasSubstr("Flat"));
  EXPECT_THAT((*flat)->Describe(), HasSubstr("8d"));
}

TEST(VectorIndexTest, CreateRejectsBadDimension) {
  EXPECT_EQ(VectorIndex::Create(0, 10).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(VectorIndex::Create(-3, 10).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(VectorIndexTest, AddAssignsConsecutiveSlots) {
  constexpr int kDim = 8;
  auto index = VectorIndex::Create(kDim, 10);
  ASSERT_TRUE(index.ok());
  const auto a = RandomUnitVectors(3, kDim, 1);
  const auto b = RandomUnitVectors(2, kDim, 2);
  auto first = (*index)->Add(a);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, 0);
  auto second = (*index)->Add(b);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, 3);
  EXPECT_EQ((*index)->slots(), 5);
  const auto v = (*index)->Vector(4);
  ASSERT_EQ(v.size(), static_cast<size_t>(kDim));
  for (int d = 0; d < kDim; ++d) EXPECT_EQ(v[d], b[kDim + d]);
  EXPECT_NEAR((*index)->Score(Row(a, kDim, 1), 1), 1.0f, 1e-5);
  EXPECT_EQ((*index)->Score(Row(a, kDim, 1), 99), 0.0f);
  EXPECT_EQ((*index)->Add(std::vector<float>(kDim + 1, 0.1f)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*index)->slots(), 5);
}

TEST(VectorIndexTest, FlatReturnsExactNeighbours) {
  constexpr int kDim = 16;
  const auto vectors = RandomUnitVectors(500, kDim, 3);
  auto index = MakeIndex(vectors, kDim);
  ASSERT_NE(index, nullptr);
  ASSERT_EQ(index->kind(), VectorIndexKind::kFlat);
  const auto queries = RandomUnitVectors(20, kDim, 4);
  for (int q = 0; q < 20; ++q) {
    auto hits = index->Search(Row(queries, kDim, q), 10);
    ASSERT_TRUE(hits.ok()) << hits.status();
    ExpectSameHits(*hits, BruteForce(vectors, kDim, Row(queries, kDim, q), 10));
  }
  // A stored vector is its own nearest neighbour.
  auto self = index->Search(Row(vectors, kDim, 123), 1);
  ASSERT_TRUE(self.ok());
  ASSERT_EQ(self->size(), 1u);
  EXPECT_EQ((*self)[0].slot, 123);
  EXPECT_NEAR((*self)[0].score, 1.0f, 1e-5);
}

TEST(VectorIndexTest, HnswFindsExactNeighbourAndHasHighRecall) {
  constexpr int kDim = 16;
  constexpr int kVectors = 2000;
  const auto vectors = RandomUnitVectors(kVectors, kDim, 5);
  auto index = MakeIndex(vectors, kDim, kForceHnsw);
  ASSERT_NE(index, nullptr);
  ASSERT_EQ(index->kind(), VectorIndexKind::kHnsw);
  EXPECT_EQ(index->slots(), kVectors);

  for (int64_t slot : {0, 1, 777, 1999}) {
    auto hits = index->Search(Row(vectors, kDim, slot), 1);
    ASSERT_TRUE(hits.ok());
    ASSERT_EQ(hits->size(), 1u);
    EXPECT_EQ((*hits)[0].slot, slot);
  }
  const auto queries = RandomUnitVectors(50, kDim, 6);
  int found = 0;
  int exact_first = 0;
  for (int q = 0; q < 50; ++q) {
    const auto query = Row(queries, kDim, q);
    auto hits = index->Search(query, 10);
    ASSERT_TRUE(hits.ok()) << hits.status();
    ASSERT_EQ(hits->size(), 10u);
    for (size_t i = 1; i < hits->size(); ++i) {
      EXPECT_GE((*hits)[i - 1].score, (*hits)[i].score);
    }
    for (const auto& hit : *hits) {
      EXPECT_NEAR(hit.score, index->Score(query, hit.slot), 1e-5);
    }
    const auto truth = BruteForce(vectors, kDim, query, 10);
    const std::vector<int64_t> truth_list = Slots(truth);
    const std::set<int64_t> truth_slots(truth_list.begin(), truth_list.end());
    for (const auto& hit : *hits) found += truth_slots.count(hit.slot);
    exact_first += (*hits)[0].slot == truth[0].slot;
  }
  EXPECT_GE(found / 500.0, 0.9);
  EXPECT_GE(exact_first, 45);
}

TEST(VectorIndexTest, SearchEdgeCases) {
  constexpr int kDim = 8;
  auto empty = VectorIndex::Create(kDim, 0);
  ASSERT_TRUE(empty.ok());
  const std::vector<float> query(kDim, 0.25f);
  auto none = (*empty)->Search(query, 5);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  const auto vectors = RandomUnitVectors(4, kDim, 7);
  for (const auto& options : {VectorIndexOptions{}, kForceHnsw}) {
    auto index = MakeIndex(vectors, kDim, options);
    ASSERT_NE(index, nullptr);
    auto zero_k = index->Search(query, 0);
    ASSERT_TRUE(zero_k.ok());
    EXPECT_TRUE(zero_k->empty());
    auto all = index->Search(query, 100);
    ASSERT_TRUE(all.ok());
    ExpectSameHits(*all, BruteForce(vectors, kDim, query, 100));
  }
}

TEST(VectorIndexTest, WrongQueryDimensionIsInvalidArgument) {
  constexpr int kDim = 8;
  const auto vectors = RandomUnitVectors(10, kDim, 8);
  for (const auto& options : {VectorIndexOptions{}, kForceHnsw}) {
    auto index = MakeIndex(vectors, kDim, options);
    ASSERT_NE(index, nullptr);
    for (size_t size : {size_t{0}, size_t{7}, size_t{9}, size_t{16}}) {
      auto hits = index->Search(std::vector<float>(size, 0.1f), 3);
      EXPECT_EQ(hits.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
}

TEST(VectorIndexTest, FilterExcludesSlotsOnFlat) {
  constexpr int kDim = 8;
  const auto vectors = RandomUnitVectors(200, kDim, 9);
  auto index = MakeIndex(vectors, kDim);
  ASSERT_NE(index, nullptr);
  const auto query = Row(vectors, kDim, 10);
  std::unordered_set<int64_t> allowed;
  for (int64_t i = 0; i < 200; ++i) {
    if (i % 3 != 1) allowed.insert(i);  // slot 10 is excluded
  }
  const SetFilter filter(allowed, -1);
  auto hits = index->Search(query, 10, &filter);
  ASSERT_TRUE(hits.ok()) << hits.status();
  for (const auto& hit : *hits) EXPECT_TRUE(filter.IsAllowed(hit.slot));
  ExpectSameHits(*hits, BruteForce(vectors, kDim, query, 10, &filter));
  const SetFilter only_two({5, 6}, 2);
  auto two = index->Search(query, 10, &only_two);
  ASSERT_TRUE(two.ok());
  ExpectSameHits(*two, BruteForce(vectors, kDim, query, 10, &only_two));
}

TEST(VectorIndexTest, FilterExcludesSlotsOnHnswGraphSearch) {
  constexpr int kDim = 16;
  const auto vectors = RandomUnitVectors(2000, kDim, 10);
  auto index = MakeIndex(vectors, kDim, kForceHnsw);
  ASSERT_NE(index, nullptr);
  std::unordered_set<int64_t> allowed;
  for (int64_t i = 0; i < 2000; i += 2) allowed.insert(i);
  const SetFilter filter(allowed, static_cast<int64_t>(allowed.size()));
  const auto queries = RandomUnitVectors(20, kDim, 11);
  int found = 0;
  for (int q = 0; q < 20; ++q) {
    const auto query = Row(queries, kDim, q);
    auto hits = index->Search(query, 10, &filter);
    ASSERT_TRUE(hits.ok()) << hits.status();
    EXPECT_EQ(hits->size(), 10u);
    for (const auto& hit : *hits) EXPECT_EQ(hit.slot % 2, 0) << hit.slot;
    const auto truth = BruteForce(vectors, kDim, query, 10, &filter);
    for (const auto& hit : *hits) {
      for (const auto& t : truth) found += t.slot == hit.slot;
    }
  }
  EXPECT_GE(found / 200.0, 0.9);
  // Excluding the query's own slot.
  auto hits = index->Search(Row(vectors, kDim, 1), 5, &filter);
  ASSERT_TRUE(hits.ok());
  for (const auto& hit : *hits) EXPECT_NE(hit.slot, 1);
}

// The exact-scan path returns only allowed slots, distinct and scored.
TEST(VectorIndexTest, SelectiveFilterOnHnswUsesExactScan) {
  constexpr int kDim = 16;
  constexpr int kVectors = 2000;
  const auto vectors = RandomUnitVectors(kVectors, kDim, 12);
  auto index = MakeIndex(vectors, kDim, kForceHnsw);
  ASSERT_NE(index, nullptr);
  // 40 allowed slots, below 5% of 2000: the exact-scan path.
  std::unordered_set<int64_t> allowed;
  for (int64_t i = 7; i < kVectors; i += 50) allowed.insert(i);
  ASSERT_EQ(allowed.size(), 40u);
  const SetFilter filter(allowed, static_cast<int64_t>(allowed.size()));
  const auto queries = RandomUnitVectors(10, kDim, 13);
  for (int q = 0; q < 10; ++q) {
    const auto query = Row(queries, kDim, q);
    auto hits = index->Search(query, 10, &filter);
    ASSERT_TRUE(hits.ok()) << hits.status();
    EXPECT_EQ(hits->size(), 10u);
    std::set<int64_t> distinct;
    for (const auto& hit : *hits) {
      EXPECT_TRUE(filter.IsAllowed(hit.slot)) << hit.slot;
      EXPECT_NEAR(hit.score, index->Score(query, hit.slot), 1e-5);
      distinct.insert(hit.slot);
    }
    EXPECT_EQ(distinct.size(), hits->size());
  }
  // Up to k allowed slots: all of them, best first.
  const SetFilter three({3, 300, 1500}, 3);
  for (int q = 0; q < 10; ++q) {
    const auto query = Row(queries, kDim, q);
    auto hits = index->Search(query, 10, &three);
    ASSERT_TRUE(hits.ok());
    ExpectSameHits(*hits, BruteForce(vectors, kDim, query, 10, &three));
    auto exactly = index->Search(query, 3, &three);
    ASSERT_TRUE(exactly.ok());
    ExpectSameHits(*exactly, BruteForce(vectors, kDim, query, 3, &three));
  }
  const SetFilter nothing({}, 0);
  auto empty = index->Search(Row(queries, kDim, 0), 10, &nothing);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

class VectorIndexFileTest : public ::testing::Test {
 protected:
  std::string Path(const std::string& name) const {
    return dir_.path() + "/" + name;
  }
  testing::TempDir dir_;
};

TEST_F(VectorIndexFileTest, SaveLoadRoundTrip) {
  constexpr int kDim = 16;
  const auto vectors = RandomUnitVectors(300, kDim, 14);
  const auto queries = RandomUnitVectors(10, kDim, 15);
  for (const auto& options : {VectorIndexOptions{}, kForceHnsw}) {
    auto index = MakeIndex(vectors, kDim, options);
    ASSERT_NE(index, nullptr);
    VectorIndexFileInfo info;
    info.store_sequence = 123456789012345ull;
    info.slot_ids = SlotIds(300);
    info.slot_ids[17] = "";  // deleted
    const std::string path = Path("index.hxidx");
    ASSERT_TRUE(index->Save(path, info).ok());
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));

    VectorIndexFileInfo loaded_info;
    auto loaded = VectorIndex::Load(path, kDim, &loaded_info, options);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    EXPECT_EQ(loaded_info.store_sequence, info.store_sequence);
    EXPECT_EQ(loaded_info.slot_ids, info.slot_ids);
    EXPECT_EQ((*loaded)->kind(), index->kind());
    EXPECT_EQ((*loaded)->dimension(), kDim);
    EXPECT_EQ((*loaded)->slots(), 300);
    EXPECT_EQ((*loaded)->Describe(), index->Describe());
    for (int q = 0; q < 10; ++q) {
      const auto query = Row(queries, kDim, q);
      auto before = index->Search(query, 10);
      auto after = (*loaded)->Search(query, 10);
      ASSERT_TRUE(before.ok() && after.ok());
      ASSERT_EQ(before->size(), after->size());
      for (size_t i = 0; i < before->size(); ++i) {
        EXPECT_EQ((*before)[i].slot, (*after)[i].slot);
        EXPECT_EQ((*before)[i].score, (*after)[i].score);
      }
    }
    for (int64_t slot : {0, 150, 299}) {
      const auto a = index->Vector(slot);
      const auto b = (*loaded)->Vector(slot);
      EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin()));
    }
    // A loaded index takes new vectors.
    const auto extra = RandomUnitVectors(1, kDim, 16);
    auto slot = (*loaded)->Add(extra);
    ASSERT_TRUE(slot.ok());
    EXPECT_EQ(*slot, 300);
    auto hit = (*loaded)->Search(extra, 1);
    ASSERT_TRUE(hit.ok());
    ASSERT_EQ(hit->size(), 1u);
    EXPECT_EQ((*hit)[0].slot, 300);
  }
}

TEST_F(VectorIndexFileTest, EmptyIndexRoundTrip) {
  auto index = VectorIndex::Create(8, 0);
  ASSERT_TRUE(index.ok());
  ASSERT_TRUE(
      (*index)
          ->Save(Path("empty.hxidx"), {.store_sequence = 3, .slot_ids = {}})
          .ok());
  VectorIndexFileInfo info;
  auto loaded = VectorIndex::Load(Path("empty.hxidx"), 8, &info);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->slots(), 0);
  EXPECT_EQ(info.store_sequence, 3u);
  EXPECT_TRUE(info.slot_ids.empty());
}

TEST_F(VectorIndexFileTest, SaveRejectsWrongNumberOfIds) {
  auto index = MakeIndex(RandomUnitVectors(5, 8, 17), 8);
  ASSERT_NE(index, nullptr);
  VectorIndexFileInfo info;
  info.slot_ids = SlotIds(4);
  EXPECT_EQ(index->Save(Path("x.hxidx"), info).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(Path("x.hxidx")));
}

TEST_F(VectorIndexFileTest, SaveReplacesAnExistingFile) {
  auto small = MakeIndex(RandomUnitVectors(5, 8, 18), 8);
  auto large = MakeIndex(RandomUnitVectors(9, 8, 19), 8);
  ASSERT_TRUE(small != nullptr && large != nullptr);
  ASSERT_TRUE(large->Save(Path("i.hxidx"), {.slot_ids = SlotIds(9)}).ok());
  ASSERT_TRUE(small->Save(Path("i.hxidx"), {.slot_ids = SlotIds(5)}).ok());
  VectorIndexFileInfo info;
  auto loaded = VectorIndex::Load(Path("i.hxidx"), 8, &info);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->slots(), 5);
}

TEST_F(VectorIndexFileTest, MissingFileIsNotFound) {
  VectorIndexFileInfo info;
  auto loaded = VectorIndex::Load(Path("absent.hxidx"), 8, &info);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(loaded.status().message()),
              HasSubstr(Path("absent.hxidx")));
}

TEST_F(VectorIndexFileTest, WrongExpectedDimensionIsDataLoss) {
  auto index = MakeIndex(RandomUnitVectors(5, 8, 20), 8);
  ASSERT_NE(index, nullptr);
  ASSERT_TRUE(index->Save(Path("d.hxidx"), {.slot_ids = SlotIds(5)}).ok());
  VectorIndexFileInfo info;
  for (int dimension : {7, 9, 16}) {
    auto loaded = VectorIndex::Load(Path("d.hxidx"), dimension, &info);
    EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(std::string(loaded.status().message()), HasSubstr("dimension"));
  }
}

// Every single-bit flip anywhere in the file must be caught. With
// all_bits false one bit per byte is flipped (bit = position % 8).
void ExpectEveryBitFlipDetected(const std::string& original,
                                const std::string& path, int dimension,
                                bool all_bits) {
  WriteBytes(path, original);
  std::fstream file(path, std::ios::binary | std::ios::in | std::ios::out);
  ASSERT_TRUE(file);
  const auto put = [&](size_t pos, char c) {
    file.seekp(static_cast<std::streamoff>(pos));
    file.put(c);
    file.flush();
    ASSERT_TRUE(file);
  };
  int checked = 0;
  for (size_t pos = 0; pos < original.size(); ++pos) {
    for (int bit = 0; bit < 8; ++bit) {
      if (!all_bits && bit != static_cast<int>(pos % 8)) continue;
      put(pos, static_cast<char>(original[pos] ^ (1 << bit)));
      VectorIndexFileInfo info;
      info.store_sequence = 77;
      auto loaded = VectorIndex::Load(path, dimension, &info);
      ASSERT_FALSE(loaded.ok())
          << "flip of bit " << bit << " at byte " << pos << " not detected";
      EXPECT_EQ(info.store_sequence, 77u) << "info written on failure";
      ++checked;
    }
    put(pos, original[pos]);
  }
  EXPECT_GE(checked, static_cast<int>(original.size()));
  VectorIndexFileInfo info;
  EXPECT_TRUE(VectorIndex::Load(path, dimension, &info).ok());
}

TEST_F(VectorIndexFileTest, EveryBitFlipInAFlatFileIsDetected) {
  constexpr int kDim = 8;
  auto index = MakeIndex(RandomUnitVectors(30, kDim, 21), kDim);
  ASSERT_NE(index, nullptr);
  const std::string path = Path("flat.hxidx");
  ASSERT_TRUE(
      index->Save(path, {.store_sequence = 9, .slot_ids = SlotIds(30)}).ok());
  const std::string original = ReadBytes(path);
  ASSERT_GT(original.size(), 30u * kDim * 4);
  ExpectEveryBitFlipDetected(original, Path("damaged.hxidx"), kDim,
                             /*all_bits=*/true);
}

TEST_F(VectorIndexFileTest, EveryBitFlipInAnHnswFileIsDetected) {
  constexpr int kDim = 8;
  auto index = MakeIndex(RandomUnitVectors(30, kDim, 22), kDim,
                         {.hnsw_threshold = 1, .hnsw_m = 4});
  ASSERT_NE(index, nullptr);
  const std::string path = Path("hnsw.hxidx");
  ASSERT_TRUE(
      index->Save(path, {.store_sequence = 9, .slot_ids = SlotIds(30)}).ok());
  const std::string original = ReadBytes(path);
  ExpectEveryBitFlipDetected(original, Path("damaged.hxidx"), kDim,
                             /*all_bits=*/true);
}

// A file whose checksums are right but whose header lies about the slot
// count (e.g. written by a buggy tool) is still rejected.
TEST_F(VectorIndexFileTest, WrongSlotCountWithValidChecksumsIsDataLoss) {
  constexpr int kDim = 8;
  auto index = MakeIndex(RandomUnitVectors(3, kDim, 30), kDim);
  ASSERT_NE(index, nullptr);
  ASSERT_TRUE(index->Save(Path("c.hxidx"), {.slot_ids = SlotIds(3)}).ok());
  const std::string original = ReadBytes(Path("c.hxidx"));
  constexpr size_t kSlotsOffset = 16;
  constexpr size_t kHeaderCrcOffset = 44;
  for (uint64_t slots : {0, 1, 2, 4, 5, 1000}) {
    std::string bytes = original;
    std::memcpy(bytes.data() + kSlotsOffset, &slots, sizeof(slots));
    const uint32_t crc = Crc32c(0, bytes.data(), kHeaderCrcOffset);
    std::memcpy(bytes.data() + kHeaderCrcOffset, &crc, sizeof(crc));
    WriteBytes(Path("lying.hxidx"), bytes);
    VectorIndexFileInfo info;
    auto loaded = VectorIndex::Load(Path("lying.hxidx"), kDim, &info);
    EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss)
        << slots << ": " << loaded.status();
  }
  uint64_t three = 3;
  ASSERT_EQ(std::memcmp(original.data() + kSlotsOffset, &three, 8), 0);
}

TEST_F(VectorIndexFileTest, TruncationAndExtensionAreDetected) {
  constexpr int kDim = 8;
  auto index = MakeIndex(RandomUnitVectors(30, kDim, 23), kDim);
  ASSERT_NE(index, nullptr);
  ASSERT_TRUE(index->Save(Path("t.hxidx"), {.slot_ids = SlotIds(30)}).ok());
  const std::string original = ReadBytes(Path("t.hxidx"));
  const std::string damaged_path = Path("short.hxidx");
  for (size_t length : {size_t{0}, size_t{1}, size_t{8}, size_t{47}, size_t{48},
                        size_t{49}, size_t{100}, original.size() / 2,
                        original.size() - 4, original.size() - 1}) {
    WriteBytes(damaged_path, original.substr(0, length));
    VectorIndexFileInfo info;
    auto loaded = VectorIndex::Load(damaged_path, kDim, &info);
    EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss)
        << "length " << length << ": " << loaded.status();
  }
  WriteBytes(damaged_path, original + '\0');
  VectorIndexFileInfo info;
  EXPECT_EQ(VectorIndex::Load(damaged_path, kDim, &info).status().code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace helixmatch

namespace helixmatch {
namespace {

// Regression: the exact scan kept the worst hits when more than k slots
// were allowed.
TEST(VectorIndexRegressionTest, ExactScanKeepsTheBestHits) {
  std::vector<float> vectors = {1, 0, 0, 1, -1, 0};
  for (int i = 3; i < 100; ++i) {
    vectors.push_back(0.6f);
    vectors.push_back(0.8f);
  }
  VectorIndexOptions options;
  options.hnsw_threshold = 1;
  auto index = VectorIndex::Create(2, 100, options);
  ASSERT_TRUE(index.ok());
  ASSERT_TRUE((*index)->Add(vectors).ok());
  const SetFilter filter({0, 1, 2}, 3);
  const std::vector<float> query = {1, 0};
  auto one = (*index)->Search(query, 1, &filter);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].slot, 0);
  auto two = (*index)->Search(query, 2, &filter);
  ASSERT_TRUE(two.ok());
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[0].slot, 0);
  EXPECT_EQ((*two)[1].slot, 1);
}

}  // namespace
}  // namespace helixmatch
