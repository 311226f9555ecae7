// The in-memory view of the store that answers queries: organizations,
// capability profiles and needs (with their vector index and BM25
// postings) and ties. Loaded once at start; kept in step with every
// acknowledged write, so no query reads RocksDB.
//
// Thread safety: none inside. MatchingEngine guards a Catalog with a
// reader/writer lock: queries read under the shared lock, writes mutate
// under the exclusive lock.
#ifndef HELIXMATCH_SERVICES_CATALOG_H_
#define HELIXMATCH_SERVICES_CATALOG_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "helixmatch/v1/records.pb.h"
#include "indexer/vector_index.h"

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
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<std::string> terms_;
};

struct TermCount {
  uint32_t term;
  uint32_t count;
};

// A capability profile or a need, by slot (its position in the vector
// index). Deleted or replaced slots stay, with live = false.
struct ProfileEntry {
  std::string id;
  uint32_t organization = kNoIndex;  // index into Catalog::organizations()
  std::shared_ptr<const v1::CapabilityProfile> capability;  // one of the two
  std::shared_ptr<const v1::FirmNeed> need;
  std::vector<TermCount> terms;  // sorted by term id
  uint32_t length = 0;           // tokens
  bool live = true;

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
  const std::vector<Posting>& Postings(uint32_t term) const;

  // Adds or replaces the profile (vector of index dimension). The slot of
  // a replaced profile goes dead.
  absl::Status Put(ProfileEntry entry, std::span<const float> vector);
  // Replaces the (empty) index before slots are adopted from it.
  void ResetIndex(std::unique_ptr<VectorIndex> index) {
    index_ = std::move(index);
  }
  // Takes the next slot of an index that already holds its vector (loaded
  // from a file); entry.live = false marks a dead slot.
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
  std::unordered_map<std::string, uint32_t> slot_of_;
  std::vector<std::vector<Posting>> postings_;  // by term id
  int64_t live_ = 0;
  int64_t total_length_ = 0;
};

struct OrganizationEntry {
  std::shared_ptr<const v1::Organization> record;
  std::vector<uint32_t> capabilities;  // live slots
  std::vector<uint32_t> needs;
  std::vector<uint32_t> ties;  // indexes into Catalog::ties()
  bool live = true;
};

struct TieEntry {
  std::shared_ptr<const v1::Tie> record;
  uint32_t a = kNoIndex;
  uint32_t b = kNoIndex;
  bool live = true;
};

class Catalog {
 public:
  Catalog(std::unique_ptr<VectorIndex> capability_index,
          std::unique_ptr<VectorIndex> need_index);

  TermDictionary& terms() { return terms_; }
  const TermDictionary& terms() const { return terms_; }
  ProfileSet& capabilities() { return capabilities_; }
  const ProfileSet& capabilities() const { return capabilities_; }
  ProfileSet& needs() { return needs_; }
  const ProfileSet& needs() const { return needs_; }
  ProfileSet& profiles(v1::RecordKind kind) {
    return kind == v1::RECORD_KIND_NEED ? needs_ : capabilities_;
  }
  const ProfileSet& profiles(v1::RecordKind kind) const {
    return kind == v1::RECORD_KIND_NEED ? needs_ : capabilities_;
  }

  const std::vector<OrganizationEntry>& organizations() const {
    return organizations_;
  }
  const OrganizationEntry& organization(uint32_t index) const {
    return organizations_[index];
  }
  uint32_t OrganizationIndex(absl::string_view id) const;
  const std::vector<TieEntry>& ties() const { return ties_; }
  uint32_t TieIndex(absl::string_view id) const;
  int64_t live_organizations() const { return live_organizations_; }
  // Live firms whose region is `region` (exact match).
  int FirmsInRegion(const std::string& region) const;
  int64_t live_ties() const { return live_ties_; }

  // Mutations. References must exist (checked by the caller).
  void PutOrganization(v1::Organization org);
  // NOT_FOUND for an unknown id; FAILED_PRECONDITION when profiles, needs
  // or ties still refer to the organization.
  absl::Status CheckOrganizationRemovable(absl::string_view id) const;
  absl::Status RemoveOrganization(absl::string_view id);
  absl::Status PutCapability(v1::CapabilityProfile profile,
                             std::span<const float> vector);
  absl::Status PutNeed(v1::FirmNeed need, std::span<const float> vector);
  bool RemoveProfile(v1::RecordKind kind, absl::string_view id);
  // Loading from a saved index: the next slot holds this record's vector
  // already; nullptr marks a dead slot.
  absl::Status AdoptCapabilitySlot(const v1::CapabilityProfile* profile);
  absl::Status AdoptNeedSlot(const v1::FirmNeed* need);
  void PutTie(v1::Tie tie);
  bool RemoveTie(absl::string_view id);

  // Recorded outcomes (the outcome loop), by id. Their ties are put and
  // removed by the caller alongside.
  void PutOutcome(v1::Outcome outcome);
  bool RemoveOutcome(absl::string_view id);
  const v1::Outcome* outcome(absl::string_view id) const;
  const std::map<std::string, v1::Outcome, std::less<>>& outcomes() const {
    return outcomes_;
  }

  // Tokenizes text and maps it to counts of known-or-new term ids.
  std::vector<TermCount> CountTerms(absl::string_view text, uint32_t* length);

 private:
  absl::StatusOr<ProfileEntry> MakeCapabilityEntry(
      v1::CapabilityProfile profile);
  absl::StatusOr<ProfileEntry> MakeNeedEntry(v1::FirmNeed need);
  static absl::StatusOr<ProfileEntry> DeadEntry();
  absl::Status AdoptSlot(v1::RecordKind kind,
                         absl::StatusOr<ProfileEntry> made);
  void DetachProfile(v1::RecordKind kind, uint32_t slot);
  void AttachProfile(v1::RecordKind kind, uint32_t slot);

  TermDictionary terms_;
  ProfileSet capabilities_;
  ProfileSet needs_;
  std::vector<OrganizationEntry> organizations_;
  std::unordered_map<std::string, uint32_t> organization_of_;
  std::vector<TieEntry> ties_;
  std::unordered_map<std::string, uint32_t> tie_of_;
  void CountFirm(const v1::Organization& org, int delta);

  std::map<std::string, v1::Outcome, std::less<>> outcomes_;
  std::unordered_map<std::string, int> outcomes_by_organization_;

  std::unordered_map<std::string, int> firms_by_region_;
  int64_t live_organizations_ = 0;
  int64_t live_ties_ = 0;
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_CATALOG_H_
