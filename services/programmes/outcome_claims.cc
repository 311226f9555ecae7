#include "services/programmes/outcome_claims.h"

#include <google/protobuf/util/message_differencer.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "indexer/record_validation.h"
#include "indexer/records.h"

namespace helixmatch {
namespace {

bool IsParty(const v1::Outcome& o, const std::string& organization) {
  return organization == o.offered_by() || organization == o.offered_to();
}

absl::Status ProgrammeRefused(const Viewer& writer, absl::string_view id) {
  return absl::PermissionDeniedError(absl::StrCat(
      "the programme role (", writer.organization_id,
      ") cannot record or confirm outcome '", id,
      "': a programme never records outcomes on behalf of a university or a "
      "firm (autonomy guard)"));
}

v1::Outcome WithoutVouchers(v1::Outcome o) {
  o.clear_recorded_by();
  o.clear_confirmed_by();
  return o;
}

}  // namespace

bool SameOutcome(const v1::Outcome& a, const v1::Outcome& b) {
  return google::protobuf::util::MessageDifferencer::Equals(WithoutVouchers(a),
                                                            WithoutVouchers(b));
}

absl::StatusOr<v1::Outcome> ResolveOutcomeWrite(const v1::Outcome* stored,
                                                const v1::Outcome& incoming,
                                                const Viewer& writer) {
  switch (writer.role) {
    case Viewer::Role::kOperator:
      return incoming;
    case Viewer::Role::kProgramme:
      return ProgrammeRefused(writer, incoming.id());
    case Viewer::Role::kOrganization:
      break;
  }
  const std::string& me = writer.organization_id;
  if (!IsParty(incoming, me) || (stored != nullptr && !IsParty(*stored, me))) {
    return absl::PermissionDeniedError(
        absl::StrCat("organization '", me, "' cannot write outcome '",
                     incoming.id(), "': it belongs to other organizations"));
  }
  if (stored != nullptr && SameOutcome(*stored, incoming)) {
    v1::Outcome same = *stored;
    if (!OutcomeConfirmed(same) && same.recorded_by() != me) {
      same.set_confirmed_by(me);
    }
    return same;
  }
  v1::Outcome claim = WithoutVouchers(incoming);
  claim.set_recorded_by(me);
  return claim;
}

absl::StatusOr<v1::Outcome> ConfirmStoredOutcome(const v1::Outcome* stored,
                                                 absl::string_view id,
                                                 const Viewer& writer) {
  if (stored == nullptr || !MaySee(writer, *stored)) {
    return absl::NotFoundError(absl::StrCat("outcome '", id, "' not found"));
  }
  if (writer.role == Viewer::Role::kProgramme) {
    return ProgrammeRefused(writer, id);
  }
  if (OutcomeConfirmed(*stored)) return *stored;
  if (writer.is_operator()) {
    v1::Outcome confirmed = *stored;
    confirmed.set_confirmed_by(kOperatorConfirmation);
    return confirmed;
  }
  if (stored->recorded_by() == writer.organization_id) {
    return absl::FailedPreconditionError(absl::StrCat(
        "outcome '", id, "' was recorded by '", writer.organization_id,
        "': the other party or an operator confirms it"));
  }
  v1::Outcome confirmed = *stored;
  confirmed.set_confirmed_by(writer.organization_id);
  return confirmed;
}

}  // namespace helixmatch
