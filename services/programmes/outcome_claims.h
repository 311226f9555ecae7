// Claims and confirmations of outcomes: what the outcome loop stores when
// a party, the other party or an operator writes an outcome. One party
// alone can only claim; an engagement counts as trust evidence (it makes
// a tie, indexer/records.h TieFromOutcome) once both parties stand behind
// it, so nobody can forge trust with a partner that never agreed.
//
// For an organization writing `incoming` (the server sets recorded_by
// and confirmed_by; what the writer sent there is ignored):
//   no stored outcome            a claim of the writer
//   the same outcome is stored   (every field but recorded_by and
//                                 confirmed_by equal): a claim of the
//                                other party becomes confirmed by the
//                                writer; anything else stays as stored
//   a different one is stored    a claim of the writer again, replacing
//                                it (a confirmation was of the old text)
// An operator's write is stored as given (imports restore state; an
// empty recorded_by is an operator's record, which counts as confirmed).
//
// Thread-safe: pure functions. The engine calls them inside its group
// commit, so each write resolves against the state its predecessors left.
#ifndef HELIXMATCH_SERVICES_PROGRAMMES_OUTCOME_CLAIMS_H_
#define HELIXMATCH_SERVICES_PROGRAMMES_OUTCOME_CLAIMS_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "helixmatch/v1/records.pb.h"
#include "services/catalog/visibility.h"

namespace helixmatch {

// What to store when `writer` writes `incoming` over `stored` (null: no
// outcome has that id). PERMISSION_DENIED when an organization is not a
// party of `incoming` or of `stored`, and for programmes (the autonomy
// guard).
absl::StatusOr<v1::Outcome> ResolveOutcomeWrite(const v1::Outcome* stored,
                                                const v1::Outcome& incoming,
                                                const Viewer& writer);

// `stored` confirmed by `writer`: the party that did not record it, or an
// operator ("operator"). An outcome already confirmed is returned as it
// is. NOT_FOUND "outcome 'ID' not found" when `stored` is null or the
// writer may not see it (the same answer); FAILED_PRECONDITION for the
// party that recorded it; PERMISSION_DENIED for programmes.
absl::StatusOr<v1::Outcome> ConfirmStoredOutcome(const v1::Outcome* stored,
                                                 absl::string_view id,
                                                 const Viewer& writer);

// Whether two outcomes say the same, recorded_by and confirmed_by aside.
bool SameOutcome(const v1::Outcome& a, const v1::Outcome& b);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_PROGRAMMES_OUTCOME_CLAIMS_H_
