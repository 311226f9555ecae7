// Capability profiles or needs in memory, by slot: the record, its term
// counts for BM25, the postings of each term, and the vector index the
// slots number into. One ProfileSet holds one kind.
//
// Thread safety: none inside; the owner (Catalog, under the engine's
// reader/writer lock) serializes mutations against reads.
#ifndef HELIXMATCH_SERVICES_CATALOG_PROFILE_SET_H_
#define HELIXMATCH_SERVICES_CATALOG_PROFILE_SET_H_

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "helixmatch/v1/records.pb.h"
#include "indexer/vector_index.h"
#include "services/catalog/visibility.h"

namespace helixmatch {

inline constexpr uint32_t kNoIndex = 0xFFFFFFFF;

// Term ids shared by both profile sets.
class TermDictionary {
 public:
  uint32_t Intern(absl::string_view term);
  // kNoIndex when unknown.
  uint32_t Find(absl::string_view term) const;
  const std::string& Term(uint32_t id) const { return terms_[id]; }

 private:
  absl::flat_hash_map<std::string, uint32_t> ids_;
  std::vector<std::string> terms_;
};

struct TermCount {
  uint32_t term;
  uint32_t count;
};

// A capability profile or a need, by slot (its position in the vector
// index). Deleted or replaced slots stay, with live = false.
//
// The fields a search reads for every slot it passes (TargetFilter's
// checks, grouping by organization) come first, so they share one cache
// line.
struct ProfileEntry {
  uint32_t organization = kNoIndex;  // index into Catalog::organizations()
  bool live = true;
  // Who the record is written for (a need's visibility); counts by
  // audience keep the statistics of what each viewer sees.
  Audience audience = Audience::kEveryone;
  std::string id;
  std::shared_ptr<const v1::CapabilityProfile> capability;  // one of the two
  std::shared_ptr<const v1::FirmNeed> need;
  std::vector<TermCount> terms;  // sorted by term id
  uint32_t length = 0;           // tokens

  const std::string& title() const;
  int trl_min() const;
  int trl_max() const;
};

struct Posting {
  uint32_t slot;
  uint32_t count;
};

// All profiles of one kind: capabilities or needs.
class ProfileSet {
 public:
  ProfileSet(v1::RecordKind kind, std::unique_ptr<VectorIndex> index);

  v1::RecordKind kind() const { return kind_; }
  const VectorIndex& index() const { return *index_; }
  const std::vector<ProfileEntry>& entries() const { return entries_; }
  const ProfileEntry& entry(uint32_t slot) const { return entries_[slot]; }
  // kNoIndex when there is no live profile with this id.
  uint32_t SlotOf(absl::string_view id) const;
  int64_t live() const { return live_; }
  double average_length() const;
  uint32_t DocumentFrequency(uint32_t term) const;
  // The same over the live profiles written for the audiences from
  // kEveryone to `seen` (SeenAudiences of a viewer): the statistics a
  // viewer's BM25 uses, so records it may not see change none of its
  // scores. O(1).
  int64_t live(Audience seen) const;
  double average_length(Audience seen) const;
  uint32_t DocumentFrequency(uint32_t term, Audience seen) const;
  // All live profiles holding `term`, whoever they are written for.
  const std::vector<Posting>& Postings(uint32_t term) const;

  // Adds or replaces the profile (vector of index dimension). The slot of
  // a replaced profile goes dead.
  absl::Status Put(ProfileEntry entry, std::span<const float> vector);
  // Replaces the (empty) index before slots are adopted from it.
  void ResetIndex(std::unique_ptr<VectorIndex> index) {
    index_ = std::move(index);
  }
  // Appends vectors (n * dimension floats) to the index for profiles that
  // Adopt takes next, in order.
  absl::Status AddVectors(std::span<const float> vectors);
  // Takes the next slot of an index that already holds its vector (loaded
  // from a file, or added by AddVectors); entry.live = false marks a dead
  // slot.
  absl::Status Adopt(ProfileEntry entry);
  // Returns false when no live profile has this id.
  bool Remove(absl::string_view id);
  // Slots of the vector index, as VectorIndexFileInfo wants them.
  std::vector<std::string> SlotIds() const;

 private:
  friend class Catalog;
  void IndexTerms(uint32_t slot);
  void UnindexTerms(uint32_t slot);

  v1::RecordKind kind_;
  std::unique_ptr<VectorIndex> index_;
  std::vector<ProfileEntry> entries_;
  absl::flat_hash_map<std::string, uint32_t> slot_of_;
  std::vector<std::vector<Posting>> postings_;  // by term id
  // Document frequency of each term id by audience.
  std::vector<std::array<uint32_t, kAudiences>> frequency_;
  int64_t live_ = 0;
  int64_t total_length_ = 0;
  std::array<int64_t, kAudiences> live_by_audience_{};
  std::array<int64_t, kAudiences> length_by_audience_{};
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_CATALOG_PROFILE_SET_H_
