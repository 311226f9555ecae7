#include "services/catalog/catalog.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "indexer/profile_text.h"
#include "indexer/records.h"
#include "indexer/text_analyzer.h"
#include "services/catalog/funding_call.h"

namespace helixmatch {

Catalog::Catalog(std::unique_ptr<VectorIndex> capability_index,
                 std::unique_ptr<VectorIndex> need_index)
    : capabilities_(v1::RECORD_KIND_CAPABILITY, std::move(capability_index)),
      needs_(v1::RECORD_KIND_NEED, std::move(need_index)) {}

uint32_t Catalog::OrganizationIndex(absl::string_view id) const {
  const auto it = organization_of_.find(id);
  return it == organization_of_.end() ? kNoIndex : it->second;
}

uint32_t Catalog::LiveOrganizationIndex(absl::string_view id) const {
  const uint32_t i = OrganizationIndex(id);
  return i != kNoIndex && organizations_[i].live ? i : kNoIndex;
}

absl::StatusOr<uint32_t> Catalog::FindOrganization(absl::string_view field,
                                                   absl::string_view id) const {
  const uint32_t i = LiveOrganizationIndex(id);
  if (i == kNoIndex) {
    return absl::NotFoundError(
        absl::StrCat(field, ": organization '", id, "' not found"));
  }
  return i;
}

PairHistory Catalog::HistoryBetween(uint32_t a, uint32_t b) const {
  if (a == kNoIndex || b == kNoIndex) return {};
  const auto& partners = organizations_[a].partners;
  if (!std::binary_search(partners.begin(), partners.end(), b)) return {};
  const auto& ta = organizations_[a].ties;
  const auto& tb = organizations_[b].ties;
  std::vector<const v1::Tie*> ties;
  for (uint32_t t : ta.size() <= tb.size() ? ta : tb) {
    const TieEntry& tie = ties_[t];
    if (tie.live &&
        ((tie.a == a && tie.b == b) || (tie.a == b && tie.b == a))) {
      ties.push_back(tie.record.get());
    }
  }
  return SummarizeTies(std::move(ties));
}

bool Catalog::Contains(v1::RecordKind kind, absl::string_view id) const {
  return VisitKind(
      kind,
      Overloaded{
          [&](KindTag<v1::Organization>) {
            return LiveOrganizationIndex(id) != kNoIndex;
          },
          [&](KindTag<v1::CapabilityProfile>) {
            return capabilities_.SlotOf(id) != kNoIndex;
          },
          [&](KindTag<v1::FirmNeed>) { return needs_.SlotOf(id) != kNoIndex; },
          [&](KindTag<v1::Tie>) { return TieIndex(id) != kNoIndex; },
          [&](KindTag<v1::Outcome>) { return outcome(id) != nullptr; },
          [](std::monostate) { return false; }});
}

std::optional<v1::Record> Catalog::Find(v1::RecordKind kind,
                                        absl::string_view id) const {
  if (!Contains(kind, id)) return std::nullopt;
  v1::Record record;
  VisitKind(kind,
            Overloaded{
                [&](KindTag<v1::Organization>) {
                  *record.mutable_organization() =
                      *organizations_[OrganizationIndex(id)].record;
                },
                [&](KindTag<v1::CapabilityProfile>) {
                  *record.mutable_capability() =
                      *capabilities_.entry(capabilities_.SlotOf(id)).capability;
                },
                [&](KindTag<v1::FirmNeed>) {
                  *record.mutable_need() =
                      *needs_.entry(needs_.SlotOf(id)).need;
                },
                [&](KindTag<v1::Tie>) {
                  *record.mutable_tie() = *ties_[TieIndex(id)].record;
                },
                [&](KindTag<v1::Outcome>) {
                  *record.mutable_outcome() = *outcome(id);
                },
                [](std::monostate) {}});
  return record;
}

absl::Status Catalog::Put(const v1::Record& record,
                          std::span<const float> vector) {
  return VisitRecord(
      record,
      Overloaded{[&](const v1::Organization& org) {
                   PutOrganization(org);
                   return absl::OkStatus();
                 },
                 [&](const v1::CapabilityProfile& c) {
                   return PutCapability(c, vector);
                 },
                 [&](const v1::FirmNeed& n) { return PutNeed(n, vector); },
                 [&](const v1::Tie& tie) {
                   PutTie(tie);
                   return absl::OkStatus();
                 },
                 [&](const v1::Outcome& o) {
                   PutOutcome(o);
                   if (auto tie = TieFromOutcome(o)) {
                     PutTie(std::move(*tie));
                   } else {
                     RemoveTie(OutcomeTieId(o.id()));
                   }
                   return absl::OkStatus();
                 },
                 [](std::monostate) { return absl::OkStatus(); }});
}

absl::Status Catalog::PutMany(std::span<const v1::Record* const> records,
                              std::span<const std::span<const float>> vectors) {
  if (records.size() != vectors.size()) {
    return absl::InternalError("PutMany: records and vectors differ in count");
  }
  // The profiles' entries first: an error leaves everything as it was.
  std::vector<std::optional<ProfileEntry>> entries(records.size());
  std::vector<float> capability_vectors, need_vectors;
  for (size_t i = 0; i < records.size(); ++i) {
    const v1::Record& record = *records[i];
    absl::StatusOr<ProfileEntry> made;
    std::vector<float>* kind_vectors = nullptr;
    if (record.has_capability()) {
      made = MakeCapabilityEntry(record.capability());
      kind_vectors = &capability_vectors;
    } else if (record.has_need()) {
      made = MakeNeedEntry(record.need());
      kind_vectors = &need_vectors;
    } else {
      continue;
    }
    if (!made.ok()) return made.status();
    entries[i] = std::move(*made);
    kind_vectors->insert(kind_vectors->end(), vectors[i].begin(),
                         vectors[i].end());
  }
  if (!capability_vectors.empty()) {
    if (auto s = capabilities_.AddVectors(capability_vectors); !s.ok()) {
      return s;
    }
  }
  if (!need_vectors.empty()) {
    if (auto s = needs_.AddVectors(need_vectors); !s.ok()) return s;
  }
  // Then every record in order, each profile taking the next new slot of
  // its kind.
  for (size_t i = 0; i < records.size(); ++i) {
    if (!entries[i].has_value()) {
      if (auto s = Put(*records[i], {}); !s.ok()) return s;
      continue;
    }
    const v1::RecordKind kind = records[i]->has_capability()
                                    ? v1::RECORD_KIND_CAPABILITY
                                    : v1::RECORD_KIND_NEED;
    RemoveProfile(kind, entries[i]->id);
    if (auto s = AdoptSlot(kind, std::move(*entries[i])); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Catalog::Remove(v1::RecordKind kind, absl::string_view id) {
  return VisitKind(kind,
                   Overloaded{[&](KindTag<v1::Organization>) {
                                return RemoveOrganization(id);
                              },
                              [&](KindTag<v1::CapabilityProfile>) {
                                RemoveProfile(kind, id);
                                return absl::OkStatus();
                              },
                              [&](KindTag<v1::FirmNeed>) {
                                RemoveProfile(kind, id);
                                return absl::OkStatus();
                              },
                              [&](KindTag<v1::Tie>) {
                                RemoveTie(id);
                                return absl::OkStatus();
                              },
                              [&](KindTag<v1::Outcome>) {
                                RemoveOutcome(id);
                                RemoveTie(OutcomeTieId(id));
                                return absl::OkStatus();
                              },
                              [](std::monostate) { return absl::OkStatus(); }});
}

uint32_t Catalog::TieIndex(absl::string_view id) const {
  const auto it = tie_of_.find(id);
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

uint32_t Catalog::InternPlace(const std::string& name) {
  if (name.empty()) return kNoIndex;
  const auto [it, added] =
      place_of_.try_emplace(name, static_cast<uint32_t>(place_of_.size()));
  return it->second;
}

uint32_t Catalog::PlaceId(absl::string_view name) const {
  const auto it = place_of_.find(name);
  return name.empty() || it == place_of_.end() ? kNoIndex : it->second;
}

int Catalog::FirmPartnersIn(uint32_t organization,
                            absl::string_view country) const {
  const auto& counts = organizations_[organization].firm_partners_by_country;
  const auto it = counts.find(PlaceId(country));
  return it == counts.end() ? 0 : it->second;
}

void Catalog::SetPlaces(OrganizationEntry* entry) {
  entry->country = InternPlace(entry->record->country());
  entry->region = InternPlace(entry->record->region());
  entry->city = InternPlace(entry->record->city());
}

void Catalog::PutOrganization(v1::Organization org) {
  const uint32_t existing = OrganizationIndex(org.id());
  auto record = std::make_shared<const v1::Organization>(std::move(org));
  CountFirm(*record, +1);
  if (existing != kNoIndex) {
    auto& entry = organizations_[existing];
    if (entry.live) CountFirm(*entry.record, -1);
    const v1::OrganizationKind old_kind = entry.record->kind();
    const uint32_t old_country = entry.country;
    entry.record = std::move(record);
    SetPlaces(&entry);
    // Its partners' statistics count it by kind and country: recount them
    // when either changes.
    if (old_kind != entry.record->kind() || old_country != entry.country) {
      for (size_t i = 0; i < entry.partners.size(); ++i) {
        const auto ties = static_cast<int>(entry.partner_ties[i]);
        CountPartner(entry.partners[i], old_kind, old_country, ties, true, -1);
        CountPartner(entry.partners[i], entry.record->kind(), entry.country,
                     ties, true, +1);
      }
    }
    if (!entry.live) ++live_organizations_;
    entry.live = true;
    return;
  }
  const auto index = static_cast<uint32_t>(organizations_.size());
  organization_of_[record->id()] = index;
  OrganizationEntry entry;
  entry.record = std::move(record);
  SetPlaces(&entry);
  organizations_.push_back(std::move(entry));
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

namespace {

std::pair<std::string, std::string> PairKey(const std::string& a,
                                            const std::string& b) {
  return a < b ? std::make_pair(a, b) : std::make_pair(b, a);
}

bool IsClaim(const v1::Outcome& o) {
  return !OutcomeConfirmed(o) && EngagementTie(o).has_value();
}

}  // namespace

void Catalog::PutOutcome(v1::Outcome outcome) {
  RemoveOutcome(outcome.id());
  ++outcomes_by_organization_[outcome.offered_by()];
  ++outcomes_by_organization_[outcome.offered_to()];
  if (IsClaim(outcome)) {
    claims_by_pair_[PairKey(outcome.offered_by(), outcome.offered_to())]
        .push_back(outcome.id());
  }
  std::string id = outcome.id();
  outcomes_.emplace(std::move(id), std::move(outcome));
}

std::vector<const v1::Outcome*> Catalog::ClaimsBetween(uint32_t a,
                                                       uint32_t b) const {
  std::vector<const v1::Outcome*> claims;
  if (a == kNoIndex || b == kNoIndex) return claims;
  const auto it = claims_by_pair_.find(
      PairKey(organizations_[a].record->id(), organizations_[b].record->id()));
  if (it == claims_by_pair_.end()) return claims;
  for (const std::string& id : it->second) claims.push_back(outcome(id));
  std::sort(claims.begin(), claims.end(),
            [](const v1::Outcome* x, const v1::Outcome* y) {
              if (x->year() != y->year()) return x->year() > y->year();
              return x->id() < y->id();
            });
  return claims;
}

bool Catalog::RemoveOutcome(absl::string_view id) {
  auto it = outcomes_.find(id);
  if (it == outcomes_.end()) return false;
  if (IsClaim(it->second)) {
    const auto key = PairKey(it->second.offered_by(), it->second.offered_to());
    auto& ids = claims_by_pair_[key];
    ids.erase(std::remove(ids.begin(), ids.end(), it->second.id()), ids.end());
    if (ids.empty()) claims_by_pair_.erase(key);
  }
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

void Catalog::CountCall(uint32_t slot, int sign) {
  const auto& e = capabilities_.entry(slot);
  if (!e.capability || !e.capability->has_funding_call()) return;
  auto& org = organizations_[e.organization];
  const auto count = [sign](absl::flat_hash_map<std::string, int>& map,
                            const std::string& key) {
    if (key.empty()) return;
    if ((map[key] += sign) <= 0) map.erase(key);
  };
  count(org.call_families, CallFamily(e.capability->funding_call().topic()));
  count(org.programmes, e.capability->funding_call().programme());
}

void Catalog::DetachProfile(v1::RecordKind kind, uint32_t slot) {
  if (kind != v1::RECORD_KIND_NEED) CountCall(slot, -1);
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
  if (kind != v1::RECORD_KIND_NEED) CountCall(slot, +1);
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
  entry.audience = AudienceOf(need);
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
  PutTie(std::make_shared<const v1::Tie>(std::move(tie)));
}

void Catalog::ReserveTies(size_t count) {
  ties_.reserve(ties_.size() + count);
  tie_of_.reserve(tie_of_.size() + count);
}

void Catalog::PutTie(std::shared_ptr<const v1::Tie> tie) {
  RemoveTie(tie->id());
  TieEntry entry;
  entry.a = OrganizationIndex(tie->organization_a());
  entry.b = OrganizationIndex(tie->organization_b());
  entry.record = std::move(tie);
  const auto index = static_cast<uint32_t>(ties_.size());
  tie_of_[entry.record->id()] = index;
  if (entry.a != kNoIndex) organizations_[entry.a].ties.push_back(index);
  if (entry.b != kNoIndex) organizations_[entry.b].ties.push_back(index);
  if (entry.a != kNoIndex && entry.b != kNoIndex) {
    AddPartner(entry.a, entry.b);
    if (entry.a != entry.b) AddPartner(entry.b, entry.a);
  }
  ties_.push_back(std::move(entry));
  ++live_ties_;
}

bool Catalog::RemoveTie(absl::string_view id) {
  const auto it = tie_of_.find(id);
  if (it == tie_of_.end()) return false;
  auto& entry = ties_[it->second];
  for (uint32_t org : {entry.a, entry.b}) {
    if (org == kNoIndex) continue;
    auto& list = organizations_[org].ties;
    list.erase(std::remove(list.begin(), list.end(), it->second), list.end());
  }
  if (entry.a != kNoIndex && entry.b != kNoIndex) {
    DropPartner(entry.a, entry.b);
    if (entry.a != entry.b) DropPartner(entry.b, entry.a);
  }
  entry.live = false;
  tie_of_.erase(it);
  --live_ties_;
  return true;
}

void Catalog::AddPartner(uint32_t org, uint32_t partner) {
  auto& e = organizations_[org];
  const auto at =
      std::lower_bound(e.partners.begin(), e.partners.end(), partner);
  const auto i = static_cast<size_t>(at - e.partners.begin());
  const bool new_partner = at == e.partners.end() || *at != partner;
  const OrganizationEntry& as = organizations_[partner];
  CountPartner(org, as.record->kind(), as.country, 1, new_partner, +1);
  if (!new_partner) {
    ++e.partner_ties[i];
    return;
  }
  e.partners.insert(at, partner);
  e.partner_ties.insert(e.partner_ties.begin() + static_cast<std::ptrdiff_t>(i),
                        1);
}

void Catalog::DropPartner(uint32_t org, uint32_t partner) {
  auto& e = organizations_[org];
  const auto at =
      std::lower_bound(e.partners.begin(), e.partners.end(), partner);
  if (at == e.partners.end() || *at != partner) return;
  const auto i = at - e.partners.begin();
  const OrganizationEntry& as = organizations_[partner];
  CountPartner(org, as.record->kind(), as.country, 1,
               e.partner_ties[static_cast<size_t>(i)] == 1, -1);
  if (--e.partner_ties[static_cast<size_t>(i)] > 0) return;
  e.partners.erase(at);
  e.partner_ties.erase(e.partner_ties.begin() + i);
}

void Catalog::CountPartner(uint32_t org, v1::OrganizationKind kind,
                           uint32_t country, int ties, bool new_partner,
                           int sign) {
  auto& e = organizations_[org];
  if (kind == v1::ORGANIZATION_KIND_UNIVERSITY) {
    e.university_ties += sign * ties;
  }
  if (kind != v1::ORGANIZATION_KIND_FIRM || !new_partner) return;
  e.firm_partners += sign;
  if ((e.firm_partners_by_country[country] += sign) <= 0) {
    e.firm_partners_by_country.erase(country);
  }
}

}  // namespace helixmatch
