#include "services/programmes/eligibility.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_field.h"
#include "services/programmes/value_text.h"

namespace helixmatch {
namespace {

namespace pb = google::protobuf;

v1::RuleCheck MakeCheck(absl::string_view rule, bool passed,
                        std::string detail) {
  v1::RuleCheck check;
  check.set_rule(std::string(rule));
  check.set_passed(passed);
  check.set_detail(std::move(detail));
  return check;
}

template <typename List>
bool Contains(const List& list, const typename List::value_type& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string Named(absl::string_view role, const v1::Organization& org) {
  return absl::StrCat(role, " '", org.id(), "'");
}

v1::RuleCheck CheckKind(absl::string_view rule, absl::string_view role,
                        const v1::Organization& org,
                        const pb::RepeatedField<int>& allowed) {
  const pb::EnumDescriptor* type = v1::OrganizationKind_descriptor();
  const std::string allows =
      absl::StrCat("the programme allows ", ShortEnumNames(type, allowed));
  if (org.kind() == v1::ORGANIZATION_KIND_UNSPECIFIED) {
    return MakeCheck(
        rule, false,
        absl::StrCat(Named(role, org), " has no kind on record; ", allows));
  }
  return MakeCheck(rule, Contains(allowed, org.kind()),
                   absl::StrCat(Named(role, org), " is ",
                                ShortEnumName(type, org.kind()), "; ", allows));
}

v1::RuleCheck CheckCountries(const v1::ProgrammeRules& rules,
                             const v1::Organization& university,
                             const v1::Organization& firm) {
  std::vector<std::string> failing;
  std::vector<std::string> all;
  for (const auto& [role, org] :
       {std::pair{"university", &university}, std::pair{"firm", &firm}}) {
    std::string where =
        org->country().empty()
            ? absl::StrCat(Named(role, *org), " has no country on record")
            : absl::StrCat(Named(role, *org), " is in ", org->country());
    if (!Contains(rules.countries(), org->country())) failing.push_back(where);
    all.push_back(std::move(where));
  }
  // A failure names only the partner(s) at fault.
  return MakeCheck(
      "countries", failing.empty(),
      absl::StrCat(absl::StrJoin(failing.empty() ? all : failing, " and "),
                   "; the programme allows ",
                   absl::StrJoin(rules.countries(), ", ")));
}

v1::RuleCheck CheckTrl(const v1::TrlRange& allowed, const v1::TrlRange& trl) {
  const std::string range = absl::StrCat(allowed.min(), "..", allowed.max());
  if (trl.min() == 0 && trl.max() == 0) {
    return MakeCheck("trl", false,
                     absl::StrCat("proposal gives no TRL range; the programme "
                                  "requires TRL inside ",
                                  range));
  }
  const bool inside = trl.min() >= allowed.min() && trl.max() <= allowed.max();
  return MakeCheck("trl", inside,
                   absl::StrCat("TRL ", trl.min(), "..", trl.max(), " is ",
                                inside ? "" : "not ", "inside ", range));
}

std::vector<v1::RuleCheck> CheckBudget(const v1::ProgrammeRules& rules,
                                       double budget_usd) {
  std::vector<v1::RuleCheck> checks;
  const std::string budget =
      absl::StrCat("budget ", FormatAmount(budget_usd), " USD is ");
  if (rules.min_budget_usd() > 0) {
    const bool passed = budget_usd >= rules.min_budget_usd();
    checks.push_back(MakeCheck(
        "min_budget_usd", passed,
        absl::StrCat(budget, passed ? "at least" : "below", " min_budget_usd ",
                     FormatAmount(rules.min_budget_usd()))));
  }
  if (rules.max_budget_usd() > 0) {
    const bool passed = budget_usd <= rules.max_budget_usd();
    checks.push_back(MakeCheck(
        "max_budget_usd", passed,
        absl::StrCat(budget, passed ? "within" : "above", " max_budget_usd ",
                     FormatAmount(rules.max_budget_usd()))));
  }
  return checks;
}

// Shares print with two decimals, more (up to six) when two would make a
// different share look equal to the minimum.
std::pair<std::string, std::string> FormatShares(double share, double minimum) {
  std::string a, b;
  for (int digits = 2; digits <= 6; ++digits) {
    a = absl::StrFormat("%.*f", digits, share);
    b = absl::StrFormat("%.*f", digits, minimum);
    if (a != b || share == minimum) break;
  }
  return {a, b};
}

v1::RuleCheck CheckCofunding(double minimum, const v1::Proposal& p) {
  const double total = p.budget_usd() + p.cofunding_usd();
  const double share = total > 0 ? p.cofunding_usd() / total : 0;
  const bool passed = share >= minimum;  // false for NaN
  const auto [share_text, minimum_text] = FormatShares(share, minimum);
  return MakeCheck("min_cofunding_share", passed,
                   absl::StrCat("co-funding share ", share_text, " is ",
                                passed ? "at least " : "below ", minimum_text,
                                " (", FormatAmount(p.cofunding_usd()), " of ",
                                FormatAmount(total), " USD in total)"));
}

v1::RuleCheck CheckChannels(const pb::RepeatedField<int>& required,
                            const pb::RepeatedField<int>& planned) {
  const pb::EnumDescriptor* type = v1::Channel_descriptor();
  const std::string required_names = ShortEnumNames(type, required);
  if (planned.empty()) {
    return MakeCheck("required_channels", false,
                     absl::StrCat("the proposal plans no channels; the "
                                  "programme requires one of ",
                                  required_names));
  }
  for (int channel : planned) {
    if (Contains(required, channel)) {
      return MakeCheck(
          "required_channels", true,
          absl::StrCat("planned channel ", ShortEnumName(type, channel),
                       " is one of ", required_names));
    }
  }
  return MakeCheck("required_channels", false,
                   absl::StrCat("none of the planned channels (",
                                ShortEnumNames(type, planned), ") is one of ",
                                required_names));
}

v1::RuleCheck CheckDuration(int max_months, int months) {
  if (months == 0) {
    return MakeCheck("max_duration_months", false,
                     absl::StrCat("proposal gives no duration; the programme "
                                  "allows at most ",
                                  max_months, " months"));
  }
  const bool passed = months <= max_months;
  return MakeCheck(
      "max_duration_months", passed,
      absl::StrCat("duration ", months, " months ",
                   passed ? "is within " : "exceeds ", max_months));
}

}  // namespace

std::vector<v1::RuleCheck> CheckEligibility(const v1::ProgrammeRules& rules,
                                            const v1::Proposal& p,
                                            const v1::Organization& university,
                                            const v1::Organization& firm) {
  std::vector<v1::RuleCheck> checks;
  if (!rules.research_kinds().empty()) {
    checks.push_back(CheckKind("research_kinds", "university", university,
                               rules.research_kinds()));
  }
  if (!rules.partner_kinds().empty()) {
    checks.push_back(
        CheckKind("partner_kinds", "firm", firm, rules.partner_kinds()));
  }
  if (!rules.countries().empty()) {
    checks.push_back(CheckCountries(rules, university, firm));
  }
  if (rules.trl().min() != 0 || rules.trl().max() != 0) {
    checks.push_back(CheckTrl(rules.trl(), p.trl()));
  }
  for (v1::RuleCheck& check : CheckBudget(rules, p.budget_usd())) {
    checks.push_back(std::move(check));
  }
  if (rules.min_cofunding_share() > 0) {
    checks.push_back(CheckCofunding(rules.min_cofunding_share(), p));
  }
  if (!rules.required_channels().empty()) {
    checks.push_back(CheckChannels(rules.required_channels(), p.channels()));
  }
  if (rules.max_duration_months() > 0) {
    checks.push_back(
        CheckDuration(rules.max_duration_months(), p.duration_months()));
  }
  return checks;
}

bool Eligible(const std::vector<v1::RuleCheck>& checks) {
  return std::all_of(checks.begin(), checks.end(),
                     [](const v1::RuleCheck& check) { return check.passed(); });
}

double LargeBudgetThreshold(const v1::ProgrammeRules& rules) {
  if (rules.large_budget_usd() > 0) return rules.large_budget_usd();
  if (rules.max_budget_usd() > 0) return rules.max_budget_usd() / 4;
  return 0;
}

}  // namespace helixmatch
