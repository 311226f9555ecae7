#include "services/suggestion_text.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/barrier_model.h"
#include "services/engagement_ladder.h"

namespace helixmatch {

std::string FormatSuggestion(const v1::Suggestion& s, int rank) {
  std::string out;
  const auto& org = s.organization();
  const std::string place = absl::StrJoin(
      std::vector<std::string>{org.city(), org.region(), org.country()}, ", ",
      [](std::string* o, const std::string& p) {
        if (!p.empty()) absl::StrAppend(o, p);
      });
  absl::StrAppendFormat(&out, "%s%s (%s)  [%s]   score %.3f\n",
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
      b.unknown_features().empty()
          ? ""
          : absl::StrCat(
                " (unknown: ", absl::StrJoin(b.unknown_features(), ", "), ")"));
  for (const auto& p : s.profiles()) {
    absl::StrAppendFormat(
        &out, "   - %s  [%s] %.2f%s\n", p.title(), p.id(), p.score(),
        p.reference().empty() ? "" : absl::StrCat("  ", p.reference()));
  }
  for (const auto& a : s.barriers()) {
    std::vector<std::string> evidence;
    for (const auto& e : a.evidence()) {
      evidence.push_back(absl::StrCat(e.signal(), "=", e.value()));
    }
    absl::StrAppendFormat(
        &out, "   %-19s %-7s conf %.1f  %s%s\n", BarrierName(a.code()),
        SeverityName(a.severity()), a.confidence(), a.summary(),
        evidence.empty()
            ? ""
            : absl::StrCat(" [", absl::StrJoin(evidence, "; "), "]"));
    if (a.severity() == v1::SEVERITY_HIGH ||
        a.severity() == v1::SEVERITY_MEDIUM) {
      absl::StrAppend(&out, "   ", std::string(21, ' '), "-> ", a.mitigation(),
                      "\n");
    }
  }
  absl::StrAppend(&out, "   ladder: ", s.ladder().rationale(), "\n");
  return out;
}

}  // namespace helixmatch
