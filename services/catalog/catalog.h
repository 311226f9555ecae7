// The in-memory view of the store that answers queries: organizations,
// capability profiles and needs (with their vector index and BM25
// postings) and ties. Loaded once at start; kept in step with every
// acknowledged write, so no query reads RocksDB.
//
// Thread safety: none inside. MatchingEngine guards a Catalog with a
// reader/writer lock: queries read under the shared lock, writes mutate
// under the exclusive lock.
#ifndef HELIXMATCH_SERVICES_CATALOG_CATALOG_H_
#define HELIXMATCH_SERVICES_CATALOG_CATALOG_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "helixmatch/v1/records.pb.h"
#include "indexer/vector_index.h"
#include "services/catalog/profile_set.h"
#include "services/partnership/pair_history.h"

namespace helixmatch {

struct OrganizationEntry {
  std::shared_ptr<const v1::Organization> record;
  // The record's country, region and city as Catalog::PlaceId (kNoIndex
  // when empty), so features compare integers, not strings.
  uint32_t country = kNoIndex;
  uint32_t region = kNoIndex;
  uint32_t city = kNoIndex;
  std::vector<uint32_t> capabilities;  // live slots
  std::vector<uint32_t> needs;
  std::vector<uint32_t> ties;  // live ones, indexes into Catalog::ties()
  // Organizations tied to this one by a live tie, ascending, each once,
  // and how many live ties each pair has (partner_ties[i] for
  // partners[i]).
  std::vector<uint32_t> partners;
  std::vector<uint32_t> partner_ties;
  // Of its live capability profiles, how many answered each call family
  // (CallFamily) and each programme part; unnamed ones are not counted.
  absl::flat_hash_map<std::string, int> call_families;
  absl::flat_hash_map<std::string, int> programmes;
  // Distinct firms among `partners`, and how many of them per country
  // (keyed by the country's PlaceId; Catalog::FirmPartnersIn by name).
  int firm_partners = 0;
  absl::flat_hash_map<uint32_t, int> firm_partners_by_country;
  // Live ties with universities (a pair with two ties counts two).
  int university_ties = 0;
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
  // Whether a live profile written for the audiences up to `seen` holds
  // the term (a term only hidden records hold is unknown to the viewer).
  bool TermSeen(uint32_t term, Audience seen) const {
    return capabilities_.DocumentFrequency(term, seen) > 0 ||
           needs_.DocumentFrequency(term, seen) > 0;
  }
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
  // Index of the live organization `id`; kNoIndex when there is none.
  uint32_t LiveOrganizationIndex(absl::string_view id) const;
  // The same, or NOT_FOUND naming the request field that gave the id
  // ("<field>: organization '<id>' not found").
  absl::StatusOr<uint32_t> FindOrganization(absl::string_view field,
                                            absl::string_view id) const;
  // Organizations tied to `organization` by a live tie, each once,
  // ascending. Valid until the next mutation.
  const std::vector<uint32_t>& PartnersOf(uint32_t organization) const {
    return organizations_[organization].partners;
  }
  // The live ties between two organizations; empty when either is
  // kNoIndex.
  PairHistory HistoryBetween(uint32_t a, uint32_t b) const;
  const std::vector<TieEntry>& ties() const { return ties_; }
  uint32_t TieIndex(absl::string_view id) const;
  int64_t live_organizations() const { return live_organizations_; }
  // The id of a place name (a country, region or city, compared exactly);
  // kNoIndex for an empty name or one no organization has had.
  uint32_t PlaceId(absl::string_view name) const;
  // How many of the distinct firm partners of `organization` are in
  // `country`.
  int FirmPartnersIn(uint32_t organization, absl::string_view country) const;
  // Live firms whose region is `region` (exact match).
  int FirmsInRegion(const std::string& region) const;
  int64_t live_ties() const { return live_ties_; }

  // Records as the API sees them. Find returns a copy; nullopt when no
  // live record of that kind has the id.
  bool Contains(v1::RecordKind kind, absl::string_view id) const;
  std::optional<v1::Record> Find(v1::RecordKind kind,
                                 absl::string_view id) const;
  // Applies an acknowledged write. Capabilities and needs take their
  // `vector` (ignored for other kinds). An outcome brings the tie it
  // makes (TieFromOutcome) or removes the one its earlier version made.
  // References must exist (checked by the caller).
  absl::Status Put(const v1::Record& record, std::span<const float> vector);
  // Put of records[i] with vectors[i], in order, except that the vectors
  // of the capabilities and needs among them enter their indexes in one
  // Add per kind (a graph links a batch on every core). Every profile is
  // checked before anything changes; organizations the profiles name must
  // exist already (put them first).
  absl::Status PutMany(std::span<const v1::Record* const> records,
                       std::span<const std::span<const float>> vectors);
  // Removes an existing record; an outcome takes its tie along. Errors as
  // RemoveOrganization for organizations.
  absl::Status Remove(v1::RecordKind kind, absl::string_view id);

  // Mutations by kind. References must exist (checked by the caller).
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
  // The same for a tie already shared (the loader parses ties on a thread
  // of its own and links them here). Not null.
  void PutTie(std::shared_ptr<const v1::Tie> tie);
  // Room for `count` more ties, so a bulk load does not rehash.
  void ReserveTies(size_t count);
  bool RemoveTie(absl::string_view id);

  // Recorded outcomes (the outcome loop), by id. Their ties are put and
  // removed by the caller alongside.
  void PutOutcome(v1::Outcome outcome);
  bool RemoveOutcome(absl::string_view id);
  const v1::Outcome* outcome(absl::string_view id) const;
  const std::map<std::string, v1::Outcome, std::less<>>& outcomes() const {
    return outcomes_;
  }
  // Claimed (not confirmed) engagement outcomes between two organizations,
  // by id; empty when either is kNoIndex. They make no tie.
  std::vector<const v1::Outcome*> ClaimsBetween(uint32_t a, uint32_t b) const;

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
  absl::flat_hash_map<std::string, uint32_t> organization_of_;
  // Place names by PlaceId; ids are never reused.
  absl::flat_hash_map<std::string, uint32_t> place_of_;
  uint32_t InternPlace(const std::string& name);
  void SetPlaces(OrganizationEntry* entry);
  std::vector<TieEntry> ties_;
  // Keyed by the id inside the entry's record: ties_ keeps every record
  // it was given (a removed one is marked dead, not dropped), so the key
  // outlives its map entry.
  absl::flat_hash_map<absl::string_view, uint32_t> tie_of_;
  void CountFirm(const v1::Organization& org, int delta);
  // Counts one more (or one less) live tie between `org` and `partner`.
  void AddPartner(uint32_t org, uint32_t partner);
  void DropPartner(uint32_t org, uint32_t partner);
  // Adds (sign +1) or takes away (-1) what a partner of this kind and
  // country (PlaceId), with `ties` live ties, counts in `org`'s partner
  // statistics.
  void CountPartner(uint32_t org, v1::OrganizationKind kind, uint32_t country,
                    int ties, bool new_partner, int sign);
  // Adds or takes away a capability profile's call in its owner's counts.
  void CountCall(uint32_t slot, int sign);

  std::map<std::string, v1::Outcome, std::less<>> outcomes_;
  std::unordered_map<std::string, int> outcomes_by_organization_;
  // Ids of claimed engagement outcomes by pair (the smaller id first).
  std::map<std::pair<std::string, std::string>, std::vector<std::string>>
      claims_by_pair_;

  std::unordered_map<std::string, int> firms_by_region_;
  int64_t live_organizations_ = 0;
  int64_t live_ties_ = 0;
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_CATALOG_CATALOG_H_
