#include "services/catalog/visibility.h"

#include "absl/strings/match.h"
#include "indexer/records.h"

namespace helixmatch {

Audience AudienceOf(const v1::FirmNeed& need) {
  switch (need.visibility()) {
    case v1::VISIBILITY_PROGRAMME_ONLY:
      return Audience::kProgrammes;
    case v1::VISIBILITY_PRIVATE:
      return Audience::kOwner;
    default:
      return Audience::kEveryone;
  }
}

Audience SeenAudiences(const Viewer& viewer) {
  switch (viewer.role) {
    case Viewer::Role::kOperator:
      return Audience::kOwner;
    case Viewer::Role::kProgramme:
      return Audience::kProgrammes;
    case Viewer::Role::kOrganization:
      break;
  }
  return Audience::kEveryone;
}

bool MaySee(const Viewer& viewer, const v1::FirmNeed& need) {
  return AudienceAllows(AudienceOf(need), SeenAudiences(viewer),
                        viewer.Is(need.organization_id()));
}

bool MaySee(const Viewer& viewer, const v1::Outcome& outcome) {
  return viewer.is_operator() || viewer.Is(outcome.offered_by()) ||
         viewer.Is(outcome.offered_to());
}

bool MaySee(const Viewer& viewer, const v1::Tie& tie) {
  if (!absl::StartsWith(tie.id(), kOutcomeTiePrefix)) return true;
  return viewer.is_operator() || viewer.Is(tie.organization_a()) ||
         viewer.Is(tie.organization_b());
}

bool MaySee(const Viewer& viewer, const v1::Record& record) {
  return VisitRecord(
      record, Overloaded{
                  [&](const v1::FirmNeed& n) { return MaySee(viewer, n); },
                  [&](const v1::Outcome& o) { return MaySee(viewer, o); },
                  [&](const v1::Tie& t) { return MaySee(viewer, t); },
                  [](const v1::Organization&) { return true; },
                  [](const v1::CapabilityProfile&) { return true; },
                  [](std::monostate) { return false; },
              });
}

bool MaySuggest(const Viewer& viewer, const v1::FirmNeed& need) {
  return need.visibility() != v1::VISIBILITY_PRIVATE && MaySee(viewer, need);
}

}  // namespace helixmatch
