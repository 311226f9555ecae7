#include "services/programmes/pathways.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "indexer/record_validation.h"

namespace helixmatch {
namespace {

absl::Status ValidatePathwayRequest(const v1::PlanPathwayRequest& request) {
  if (auto s = ValidateId(request.university_id(), "university_id"); !s.ok()) {
    return s;
  }
  if (auto s = ValidateId(request.firm_id(), "firm_id"); !s.ok()) return s;
  if (request.target_rung() < -1 || request.target_rung() > kTopRung) {
    return absl::InvalidArgumentError(absl::StrCat(
        "target_rung: ", request.target_rung(), " is outside -1..", kTopRung));
  }
  for (int i = 0; i < request.target_channels_size(); ++i) {
    const int c = request.target_channels(i);
    if (!v1::Channel_IsValid(c) || c == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("target_channels[", i, "]: unknown channel ", c));
    }
  }
  return absl::OkStatus();
}

}  // namespace

PathwayInput PairPathwayInput(const Catalog& catalog, uint32_t university,
                              uint32_t firm, const PairHistory& history) {
  PathwayInput in;
  in.covered_rung = history.covered_rung;
  const auto& us = catalog.organization(university).record->signals();
  if (us.has_tto_present() || us.has_contract_templates()) {
    in.tto_or_templates = us.tto_present() || us.contract_templates();
  }
  const auto& fs = catalog.organization(firm).record->signals();
  if (fs.has_rd_staff()) in.firm_rd_staff = fs.rd_staff() > 0;
  const int ties = static_cast<int>(history.ties.size());
  in.programme_only_history = ties > 0 && history.programme == ties;
  in.failed_tie = history.failed > 0;
  return in;
}

absl::StatusOr<v1::Pathway> PlanPairPathway(
    const Catalog& catalog, const v1::PlanPathwayRequest& request) {
  if (auto s = ValidatePathwayRequest(request); !s.ok()) return s;
  auto u = catalog.FindOrganization("university_id", request.university_id());
  if (!u.ok()) return u.status();
  auto f = catalog.FindOrganization("firm_id", request.firm_id());
  if (!f.ok()) return f.status();
  PathwayInput in =
      PairPathwayInput(catalog, *u, *f, catalog.HistoryBetween(*u, *f));
  // target_rung 0 with no channels means "L0"; the proto default 0 is
  // ambiguous, so 0 counts only when no channels are given either.
  in.target_rung = request.target_rung();
  if (request.target_rung() == 0 && request.target_channels_size() > 0) {
    in.target_rung = -1;
  }
  for (int c : request.target_channels()) {
    in.target_channels.push_back(static_cast<v1::Channel>(c));
  }
  std::set<int> wanted, offered;
  for (uint32_t slot : catalog.organization(*f).needs) {
    for (int c : catalog.needs().entry(slot).need->channels_wanted()) {
      wanted.insert(c);
    }
  }
  for (uint32_t slot : catalog.organization(*u).capabilities) {
    for (int c :
         catalog.capabilities().entry(slot).capability->channels_offered()) {
      offered.insert(c);
    }
  }
  for (int c : wanted) in.wanted.push_back(static_cast<v1::Channel>(c));
  for (int c : offered) in.offered.push_back(static_cast<v1::Channel>(c));
  return PlanPathway(in);
}

}  // namespace helixmatch
