#include "services/cli/suggestion_text.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/partnership/barrier_model.h"
#include "services/partnership/engagement_ladder.h"

namespace helixmatch {

namespace {

std::string EnumShort(const std::string& name, absl::string_view prefix) {
  return absl::StartsWith(name, prefix) ? name.substr(prefix.size()) : name;
}

// One line per barrier; with `with_mitigations`, a high or medium one is
// followed by its mitigation.
void AppendBarriers(
    const google::protobuf::RepeatedPtrField<v1::BarrierAssessment>& barriers,
    bool with_mitigations, std::string* out) {
  for (const auto& a : barriers) {
    std::vector<std::string> evidence;
    for (const auto& e : a.evidence()) {
      evidence.push_back(absl::StrCat(e.signal(), "=", e.value()));
    }
    absl::StrAppendFormat(
        out, "   %-19s %-7s conf %.1f  %s%s\n", BarrierName(a.code()),
        SeverityName(a.severity()), a.confidence(), a.summary(),
        evidence.empty()
            ? ""
            : absl::StrCat(" [", absl::StrJoin(evidence, "; "), "]"));
    if (with_mitigations && (a.severity() == v1::SEVERITY_HIGH ||
                             a.severity() == v1::SEVERITY_MEDIUM)) {
      absl::StrAppend(out, "   ", std::string(21, ' '), "-> ", a.mitigation(),
                      "\n");
    }
  }
}

// The unknown features among those the line shows (the call and tie
// features the model uses are not on it).
std::vector<std::string> ShownUnknowns(const v1::ScoreBreakdown& b) {
  std::vector<std::string> shown;
  for (const auto& name : b.unknown_features()) {
    if (name == "trust" || name == "proximity" || name == "capacity" ||
        name == "benefit_alignment") {
      shown.push_back(name);
    }
  }
  return shown;
}

// With a learned ranker: what moved the score, by group, largest first
// (the groups whose contributions are below 0.005 either way left out).
std::string WhyLine(const v1::ScoreBreakdown& b) {
  if (b.contributions().empty()) return "";
  std::map<std::string, double> by_group;
  for (const auto& c : b.contributions()) by_group[c.group()] += c.value();
  std::vector<std::pair<std::string, double>> groups(by_group.begin(),
                                                     by_group.end());
  std::stable_sort(groups.begin(), groups.end(),
                   [](const auto& x, const auto& y) {
                     return std::abs(x.second) > std::abs(y.second);
                   });
  std::vector<std::string> parts;
  for (const auto& [group, value] : groups) {
    if (std::abs(value) < 0.005) continue;
    parts.push_back(absl::StrFormat("%s %+.2f", group, value));
  }
  if (parts.empty()) return "";
  return absl::StrCat("   why (learned ranker, from a base of ",
                      absl::StrFormat("%+.2f", b.bias()),
                      "): ", absl::StrJoin(parts, ", "), "\n");
}

}  // namespace

std::string FormatSuggestion(const v1::Suggestion& s, int rank) {
  std::string out;
  const auto& org = s.organization();
  // The parts of the place the record has: "Almaty, KZ" without a region,
  // "Astana, KZ" for a city that is its own region, nothing without any.
  std::vector<std::string> parts;
  for (const std::string* p : {&org.city(), &org.region(), &org.country()}) {
    if (!p->empty() && (parts.empty() || parts.back() != *p)) {
      parts.push_back(*p);
    }
  }
  const std::string place =
      parts.empty() ? "" : absl::StrCat(" (", absl::StrJoin(parts, ", "), ")");
  absl::StrAppendFormat(&out, "%s%s%s  [%s]   score %.3f\n",
                        rank > 0 ? absl::StrCat(rank, ". ") : "", org.name(),
                        place, org.id(), s.score());
  const auto& b = s.breakdown();
  absl::StrAppendFormat(
      &out,
      "   fit %.2f (dense %.2f, lexical %.2f: %s)\n"
      "   depth %d of %d profiles match; trust %.2f, proximity %.2f, "
      "capacity %.2f, benefit alignment %.2f%s\n",
      b.topical_fit(), b.dense(), b.lexical(),
      s.evidence_terms().empty() ? "no shared terms"
                                 : absl::StrJoin(s.evidence_terms(), ", "),
      s.matching_profiles(), s.total_profiles(), b.trust(), b.proximity(),
      b.capacity(), b.benefit_alignment(),
      ShownUnknowns(b).empty()
          ? ""
          : absl::StrCat(" (unknown: ", absl::StrJoin(ShownUnknowns(b), ", "),
                         ")"));
  absl::StrAppend(&out, WhyLine(b));
  for (const auto& p : s.profiles()) {
    absl::StrAppendFormat(
        &out, "   - %s  [%s] %.2f%s\n", p.title(), p.id(), p.score(),
        p.reference().empty() ? "" : absl::StrCat("  ", p.reference()));
  }
  AppendBarriers(s.barriers(), /*with_mitigations=*/true, &out);
  absl::StrAppend(&out, "   ladder: ", s.ladder().rationale(), "\n");
  for (const auto& claim : s.claimed_outcomes()) {
    absl::StrAppend(&out, "   claimed: ", claim, "\n");
  }
  return out;
}

std::string FormatPathway(const v1::Pathway& p) {
  std::string out = absl::StrCat("   ", p.summary(), "\n");
  for (const auto& step : p.steps()) {
    std::vector<std::string> channels, lowers;
    for (int c : step.channels()) {
      channels.push_back(
          EnumShort(v1::Channel_Name(static_cast<v1::Channel>(c)), "CHANNEL_"));
    }
    for (int b : step.lowers()) {
      lowers.push_back(BarrierName(static_cast<v1::BarrierCode>(b)));
    }
    absl::StrAppendFormat(
        &out, "   %s: %s; lowers %s%s\n      %s\n", step.rung_name(),
        absl::StrJoin(channels, ", "), absl::StrJoin(lowers, ", "),
        step.transaction_support() ? "; needs transaction support" : "",
        step.rationale());
  }
  return out;
}

std::string FormatScreeningSummary(const v1::ScreeningReport& r) {
  std::vector<std::string> failed, warnings;
  for (const auto& c : r.rules()) {
    if (!c.passed()) failed.push_back(c.rule());
  }
  std::map<std::string, int> counts;  // warning name -> how many
  for (const auto& w : r.warnings()) {
    const std::string name = absl::AsciiStrToLower(
        EnumShort(v1::WarningCode_Name(w.code()), "WARNING_CODE_"));
    if (counts[name]++ == 0) warnings.push_back(name);
  }
  for (auto& w : warnings) {
    if (counts[w] > 1) absl::StrAppend(&w, " x", counts[w]);
  }
  return absl::StrFormat(
      "%2d. %-28s %-16s readiness %.2f (%s)%s%s%s", r.rank(), r.proposal_id(),
      r.eligible() ? "eligible" : "INELIGIBLE", r.readiness().score(),
      r.readiness().band(),
      failed.empty() ? ""
                     : absl::StrCat("  failed: ", absl::StrJoin(failed, ", ")),
      r.conflicts().empty() ? ""
                            : absl::StrCat("  conflicts: ", r.conflicts_size()),
      warnings.empty()
          ? ""
          : absl::StrCat("  warnings: ", absl::StrJoin(warnings, ", ")));
}

std::string FormatScreeningReport(const v1::ScreeningReport& r) {
  std::string out = absl::StrFormat(
      "Proposal %s under programme %s: %s, readiness %.2f (%s)\n",
      r.proposal_id(), r.programme_id(),
      r.eligible() ? "eligible" : "NOT ELIGIBLE", r.readiness().score(),
      r.readiness().band());
  absl::StrAppend(&out, " Eligibility rules:\n");
  for (const auto& c : r.rules()) {
    absl::StrAppendFormat(&out, "   %-4s %-20s %s\n",
                          c.passed() ? "pass" : "FAIL", c.rule(), c.detail());
  }
  const auto& f = r.fit();
  absl::StrAppendFormat(
      &out,
      " Topical fit: university %.2f (%d of %d profiles match), firm %.2f%s; "
      "shared terms: %s\n",
      f.university_fit(), f.matching_profiles(), f.total_profiles(),
      f.firm_fit(),
      f.has_firm_need() ? absl::StrCat(" (need '", f.firm_need().title(), "')")
                        : " (no need on record)",
      f.evidence_terms().empty() ? "none"
                                 : absl::StrJoin(f.evidence_terms(), ", "));
  for (const auto& p : f.university_profiles()) {
    absl::StrAppendFormat(
        &out, "   - %s  [%s] %.2f%s\n", p.title(), p.id(), p.score(),
        p.reference().empty() ? "" : absl::StrCat("  ", p.reference()));
  }
  absl::StrAppend(&out, " Barriers:\n");
  AppendBarriers(r.barriers(), /*with_mitigations=*/false, &out);
  absl::StrAppend(&out, " Warnings:", r.warnings().empty() ? " none" : "",
                  "\n");
  for (const auto& w : r.warnings()) {
    absl::StrAppend(&out, "   ! ", w.message(), "\n");
  }
  absl::StrAppend(&out, " Conflicts of interest:",
                  r.conflicts().empty() ? " none" : "", "\n");
  for (const auto& c : r.conflicts()) {
    absl::StrAppend(&out, "   ", c.kind(), ": ", c.detail(), "\n");
  }
  absl::StrAppend(&out, " Similar earlier partnerships:",
                  r.similar().empty() ? " none" : "", "\n");
  for (const auto& s : r.similar()) {
    absl::StrAppendFormat(
        &out, "   %s %d %s, %s%s (similarity %.2f)\n",
        s.same_pair() ? "[this pair]" : "[other]   ", s.tie().year(),
        EnumShort(v1::Channel_Name(s.tie().channel()), "CHANNEL_"),
        absl::AsciiStrToLower(
            EnumShort(v1::TieOutcome_Name(s.tie().outcome()), "TIE_OUTCOME_")),
        s.tie().reference().empty() ? ""
                                    : absl::StrCat(": ", s.tie().reference()),
        s.similarity());
  }
  for (const auto& claim : r.claimed_outcomes()) {
    absl::StrAppend(&out, "   claimed: ", claim, "\n");
  }
  absl::StrAppend(&out, " Pathway:\n", FormatPathway(r.pathway()));
  absl::StrAppend(&out, " Readiness breakdown:\n");
  for (const auto& c : r.readiness().components()) {
    absl::StrAppendFormat(&out, "   %-12s %.2f x %.2f  %s\n", c.name(),
                          c.value(), c.weight(), c.note());
  }
  return out;
}

}  // namespace helixmatch
