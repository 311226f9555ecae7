#include "services/catalog.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "indexer/profile_text.h"
#include "indexer/text_analyzer.h"

namespace helixmatch {

uint32_t TermDictionary::Intern(absl::string_view term) {
  auto [it, inserted] =
      ids_.emplace(std::string(term), static_cast<uint32_t>(terms_.size()));
  if (inserted) terms_.push_back(it->first);
  return it->second;
}

uint32_t TermDictionary::Find(absl::string_view term) const {
  const auto it = ids_.find(std::string(term));
  return it == ids_.end() ? kNoIndex : it->second;
}

const std::string& ProfileEntry::title() const {
  return capability ? capability->title() : need->title();
}
int ProfileEntry::trl_min() const {
  return capability ? capability->trl().min() : need->trl_wanted().min();
}
int ProfileEntry::trl_max() const {
  return capability ? capability->trl().max() : need->trl_wanted().max();
}

ProfileSet::ProfileSet(v1::RecordKind kind, std::unique_ptr<VectorIndex> index)
    : kind_(kind), index_(std::move(index)) {}

uint32_t ProfileSet::SlotOf(absl::string_view id) const {
  const auto it = slot_of_.find(std::string(id));
  return it == slot_of_.end() ? kNoIndex : it->second;
}

double ProfileSet::average_length() const {
  return live_ == 0
             ? 1.0
             : static_cast<double>(total_length_) / static_cast<double>(live_);
}

uint32_t ProfileSet::DocumentFrequency(uint32_t term) const {
  return term < postings_.size() ? static_cast<uint32_t>(postings_[term].size())
                                 : 0;
}

const std::vector<Posting>& ProfileSet::Postings(uint32_t term) const {
  static const std::vector<Posting> kEmpty;
  return term < postings_.size() ? postings_[term] : kEmpty;
}

void ProfileSet::IndexTerms(uint32_t slot) {
  for (const TermCount& tc : entries_[slot].terms) {
    if (tc.term >= postings_.size()) postings_.resize(tc.term + 1);
    postings_[tc.term].push_back({slot, tc.count});
  }
  total_length_ += entries_[slot].length;
}

void ProfileSet::UnindexTerms(uint32_t slot) {
  for (const TermCount& tc : entries_[slot].terms) {
    auto& list = postings_[tc.term];
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const Posting& p) { return p.slot == slot; }),
               list.end());
  }
  total_length_ -= entries_[slot].length;
}

absl::Status ProfileSet::Put(ProfileEntry entry,
                             std::span<const float> vector) {
  if (static_cast<int64_t>(entries_.size()) != index_->slots()) {
    return absl::InternalError("profile slots out of step with vector index");
  }
  auto first = index_->Add(vector);
  if (!first.ok()) return first.status();
  Remove(entry.id);
  const auto slot = static_cast<uint32_t>(*first);
  slot_of_[entry.id] = slot;
  entries_.push_back(std::move(entry));
  IndexTerms(slot);
  ++live_;
  return absl::OkStatus();
}

absl::Status ProfileSet::Adopt(ProfileEntry entry) {
  if (static_cast<int64_t>(entries_.size()) >= index_->slots()) {
    return absl::InternalError("no vector index slot left to adopt");
  }
  const auto slot = static_cast<uint32_t>(entries_.size());
  const bool live = entry.live;
  if (live) slot_of_[entry.id] = slot;
  entries_.push_back(std::move(entry));
  if (live) {
    IndexTerms(slot);
    ++live_;
  }
  return absl::OkStatus();
}

bool ProfileSet::Remove(absl::string_view id) {
  const auto it = slot_of_.find(std::string(id));
  if (it == slot_of_.end()) return false;
  const uint32_t slot = it->second;
  UnindexTerms(slot);
  entries_[slot].live = false;
  entries_[slot].terms.clear();
  entries_[slot].terms.shrink_to_fit();
  slot_of_.erase(it);
  --live_;
  return true;
}

std::vector<std::string> ProfileSet::SlotIds() const {
  std::vector<std::string> ids;
  ids.reserve(entries_.size());
  for (const auto& e : entries_) ids.push_back(e.live ? e.id : std::string());
  return ids;
}

Catalog::Catalog(std::unique_ptr<VectorIndex> capability_index,
                 std::unique_ptr<VectorIndex> need_index)
    : capabilities_(v1::RECORD_KIND_CAPABILITY, std::move(capability_index)),
      needs_(v1::RECORD_KIND_NEED, std::move(need_index)) {}

uint32_t Catalog::OrganizationIndex(absl::string_view id) const {
  const auto it = organization_of_.find(std::string(id));
  return it == organization_of_.end() ? kNoIndex : it->second;
}

uint32_t Catalog::TieIndex(absl::string_view id) const {
  const auto it = tie_of_.find(std::string(id));
  return it == tie_of_.end() ? kNoIndex : it->second;
}

std::vector<TermCount> Catalog::CountTerms(absl::string_view text,
                                           uint32_t* length) {
  const auto tokens = Tokenize(std::string_view(text.data(), text.size()));
  std::vector<uint32_t> ids;
  ids.reserve(tokens.size());
  for (const auto& token : tokens) ids.push_back(terms_.Intern(token));
  std::sort(ids.begin(), ids.end());
  std::vector<TermCount> counts;
  for (uint32_t id : ids) {
    if (!counts.empty() && counts.back().term == id) {
      ++counts.back().count;
    } else {
      counts.push_back({id, 1});
    }
  }
  *length = static_cast<uint32_t>(tokens.size());
  return counts;
}

int Catalog::FirmsInRegion(const std::string& region) const {
  const auto it = firms_by_region_.find(region);
  return it == firms_by_region_.end() ? 0 : it->second;
}

void Catalog::CountFirm(const v1::Organization& org, int delta) {
  if (org.kind() == v1::ORGANIZATION_KIND_FIRM && !org.region().empty()) {
    firms_by_region_[org.region()] += delta;
  }
}

void Catalog::PutOrganization(v1::Organization org) {
  const uint32_t existing = OrganizationIndex(org.id());
  auto record = std::make_shared<const v1::Organization>(std::move(org));
  CountFirm(*record, +1);
  if (existing != kNoIndex) {
    auto& entry = organizations_[existing];
    if (entry.live) CountFirm(*entry.record, -1);
    if (!entry.live) ++live_organizations_;
    entry.record = std::move(record);
    entry.live = true;
    return;
  }
  const auto index = static_cast<uint32_t>(organizations_.size());
  organization_of_[record->id()] = index;
  organizations_.push_back({std::move(record), {}, {}, {}, true});
  ++live_organizations_;
}

absl::Status Catalog::CheckOrganizationRemovable(absl::string_view id) const {
  const uint32_t index = OrganizationIndex(id);
  if (index == kNoIndex || !organizations_[index].live) {
    return absl::NotFoundError(
        absl::StrCat("organization '", id, "' not found"));
  }
  const auto& entry = organizations_[index];
  const auto outcomes = outcomes_by_organization_.find(std::string(id));
  const int outcome_count =
      outcomes == outcomes_by_organization_.end() ? 0 : outcomes->second;
  if (!entry.capabilities.empty() || !entry.needs.empty() ||
      !entry.ties.empty() || outcome_count > 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "organization '", id, "' still has ", entry.capabilities.size(),
        " capability profiles, ", entry.needs.size(), " needs, ",
        entry.ties.size(), " ties and ", outcome_count,
        " outcomes; delete those first"));
  }
  return absl::OkStatus();
}

void Catalog::PutOutcome(v1::Outcome outcome) {
  RemoveOutcome(outcome.id());
  ++outcomes_by_organization_[outcome.offered_by()];
  ++outcomes_by_organization_[outcome.offered_to()];
  std::string id = outcome.id();
  outcomes_.emplace(std::move(id), std::move(outcome));
}

bool Catalog::RemoveOutcome(absl::string_view id) {
  auto it = outcomes_.find(id);
  if (it == outcomes_.end()) return false;
  for (const std::string* org :
       {&it->second.offered_by(), &it->second.offered_to()}) {
    auto count = outcomes_by_organization_.find(*org);
    if (count != outcomes_by_organization_.end() && --count->second <= 0) {
      outcomes_by_organization_.erase(count);
    }
  }
  outcomes_.erase(it);
  return true;
}

const v1::Outcome* Catalog::outcome(absl::string_view id) const {
  auto it = outcomes_.find(id);
  return it == outcomes_.end() ? nullptr : &it->second;
}

absl::Status Catalog::RemoveOrganization(absl::string_view id) {
  if (auto s = CheckOrganizationRemovable(id); !s.ok()) return s;
  auto& entry = organizations_[OrganizationIndex(id)];
  CountFirm(*entry.record, -1);
  entry.live = false;
  --live_organizations_;
  return absl::OkStatus();
}

void Catalog::DetachProfile(v1::RecordKind kind, uint32_t slot) {
  const auto& e = profiles(kind).entry(slot);
  auto& list = kind == v1::RECORD_KIND_NEED
                   ? organizations_[e.organization].needs
                   : organizations_[e.organization].capabilities;
  list.erase(std::remove(list.begin(), list.end(), slot), list.end());
}

void Catalog::AttachProfile(v1::RecordKind kind, uint32_t slot) {
  const auto& e = profiles(kind).entry(slot);
  auto& org = organizations_[e.organization];
  (kind == v1::RECORD_KIND_NEED ? org.needs : org.capabilities).push_back(slot);
}

absl::StatusOr<ProfileEntry> Catalog::DeadEntry() {
  ProfileEntry entry;
  entry.live = false;
  return entry;
}

absl::StatusOr<ProfileEntry> Catalog::MakeCapabilityEntry(
    v1::CapabilityProfile profile) {
  ProfileEntry entry;
  entry.id = profile.id();
  entry.organization = OrganizationIndex(profile.organization_id());
  if (entry.organization == kNoIndex) {
    return absl::FailedPreconditionError(
        absl::StrCat("capability.organization_id: organization '",
                     profile.organization_id(), "' not found"));
  }
  entry.terms = CountTerms(CapabilityText(profile), &entry.length);
  entry.capability =
      std::make_shared<const v1::CapabilityProfile>(std::move(profile));
  return entry;
}

absl::StatusOr<ProfileEntry> Catalog::MakeNeedEntry(v1::FirmNeed need) {
  ProfileEntry entry;
  entry.id = need.id();
  entry.organization = OrganizationIndex(need.organization_id());
  if (entry.organization == kNoIndex) {
    return absl::FailedPreconditionError(
        absl::StrCat("need.organization_id: organization '",
                     need.organization_id(), "' not found"));
  }
  entry.terms = CountTerms(NeedText(need), &entry.length);
  entry.need = std::make_shared<const v1::FirmNeed>(std::move(need));
  return entry;
}

absl::Status Catalog::PutCapability(v1::CapabilityProfile profile,
                                    std::span<const float> vector) {
  auto entry = MakeCapabilityEntry(std::move(profile));
  if (!entry.ok()) return entry.status();
  RemoveProfile(v1::RECORD_KIND_CAPABILITY, entry->id);
  if (auto s = capabilities_.Put(std::move(*entry), vector); !s.ok()) return s;
  AttachProfile(v1::RECORD_KIND_CAPABILITY,
                static_cast<uint32_t>(capabilities_.entries().size() - 1));
  return absl::OkStatus();
}

absl::Status Catalog::PutNeed(v1::FirmNeed need,
                              std::span<const float> vector) {
  auto entry = MakeNeedEntry(std::move(need));
  if (!entry.ok()) return entry.status();
  RemoveProfile(v1::RECORD_KIND_NEED, entry->id);
  if (auto s = needs_.Put(std::move(*entry), vector); !s.ok()) return s;
  AttachProfile(v1::RECORD_KIND_NEED,
                static_cast<uint32_t>(needs_.entries().size() - 1));
  return absl::OkStatus();
}

absl::Status Catalog::AdoptSlot(v1::RecordKind kind,
                                absl::StatusOr<ProfileEntry> made) {
  if (!made.ok()) return made.status();
  const bool live = made->live;
  ProfileSet& set = profiles(kind);
  if (auto s = set.Adopt(std::move(*made)); !s.ok()) return s;
  if (live) {
    AttachProfile(kind, static_cast<uint32_t>(set.entries().size() - 1));
  }
  return absl::OkStatus();
}

absl::Status Catalog::AdoptCapabilitySlot(
    const v1::CapabilityProfile* profile) {
  return AdoptSlot(
      v1::RECORD_KIND_CAPABILITY,
      profile != nullptr ? MakeCapabilityEntry(*profile) : DeadEntry());
}

absl::Status Catalog::AdoptNeedSlot(const v1::FirmNeed* need) {
  return AdoptSlot(v1::RECORD_KIND_NEED,
                   need != nullptr ? MakeNeedEntry(*need) : DeadEntry());
}

bool Catalog::RemoveProfile(v1::RecordKind kind, absl::string_view id) {
  auto& set = profiles(kind);
  const uint32_t slot = set.SlotOf(id);
  if (slot == kNoIndex) return false;
  DetachProfile(kind, slot);
  return set.Remove(id);
}

void Catalog::PutTie(v1::Tie tie) {
  RemoveTie(tie.id());
  TieEntry entry;
  entry.a = OrganizationIndex(tie.organization_a());
  entry.b = OrganizationIndex(tie.organization_b());
  entry.record = std::make_shared<const v1::Tie>(std::move(tie));
  const auto index = static_cast<uint32_t>(ties_.size());
  tie_of_[entry.record->id()] = index;
  if (entry.a != kNoIndex) organizations_[entry.a].ties.push_back(index);
  if (entry.b != kNoIndex) organizations_[entry.b].ties.push_back(index);
  ties_.push_back(std::move(entry));
  ++live_ties_;
}

bool Catalog::RemoveTie(absl::string_view id) {
  const auto it = tie_of_.find(std::string(id));
  if (it == tie_of_.end()) return false;
  auto& entry = ties_[it->second];
  for (uint32_t org : {entry.a, entry.b}) {
    if (org == kNoIndex) continue;
    auto& list = organizations_[org].ties;
    list.erase(std::remove(list.begin(), list.end(), it->second), list.end());
  }
  entry.live = false;
  tie_of_.erase(it);
  --live_ties_;
  return true;
}

}  // namespace helixmatch
