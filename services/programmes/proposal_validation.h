// The checks on a submitted Proposal on its own, before it is screened
// against a programme, and their limits.
//
// Thread safety: ValidateProposal is pure.
#ifndef HELIXMATCH_SERVICES_PROGRAMMES_PROPOSAL_VALIDATION_H_
#define HELIXMATCH_SERVICES_PROGRAMMES_PROPOSAL_VALIDATION_H_

#include <cstddef>

#include "absl/status/status.h"
#include "helixmatch/v1/records.pb.h"

namespace helixmatch {

// Limits on a Proposal beyond those of record_validation.h: a proposal is
// a short application, not a document store.
inline constexpr size_t kMaxProposalTitleBytes = 300;
inline constexpr size_t kMaxProposalAbstractBytes = 20000;
inline constexpr size_t kMaxProposalKeywordBytes = 100;
inline constexpr int kMaxDeclaredConflicts = 32;
// Also the limit of a programme's max_duration_months (rules_file.h).
inline constexpr int kMaxDurationMonths = 120;

// OK, or INVALID_ARGUMENT for the first problem, with the field path,
// e.g. "proposal.budget_usd: must be > 0 (got 0)". The checks, in order:
//   ids (id, programme_id, university_id, firm_id): the id rule of
//     record_validation.h; firm_id != university_id
//   unit <= kMaxNameBytes; title: required, <= kMaxProposalTitleBytes;
//     abstract <= kMaxProposalAbstractBytes
//   keywords: <= kMaxListItems non-blank texts of
//     <= kMaxProposalKeywordBytes
//   budget_usd > 0, cofunding_usd >= 0, both finite
//   trl: unknown (0..0) or 1..9 with min <= max
//   channels, benefits: known values, not UNSPECIFIED, <= kMaxListItems
//   duration_months: 0 (unknown) .. kMaxDurationMonths
//   need_id, if set: the id rule
//   declared_conflicts: <= kMaxDeclaredConflicts non-blank texts of
//     <= kMaxShortTextBytes (free text or organization ids)
absl::Status ValidateProposal(const v1::Proposal& p);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_PROGRAMMES_PROPOSAL_VALIDATION_H_
