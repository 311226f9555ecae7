// Checks one record on its own (field presence, formats, ranges, limits).
// Checks that need the store (does the organization exist?) are done by the
// writer; ValidateForWrite (records.h) adds the reserved ids. Errors are
// INVALID_ARGUMENT and name the field path and the rule, e.g.
// "capability.trl.min: 0 is outside 1..9".
#ifndef HELIXMATCH_INDEXER_RECORD_VALIDATION_H_
#define HELIXMATCH_INDEXER_RECORD_VALIDATION_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "helixmatch/v1/records.pb.h"

namespace helixmatch {

// Limits on one record. Chosen so that real records fit with room to spare
// (a CORDIS project title and topic are about 20 words) while a hostile
// upload cannot make one record cost megabytes.
inline constexpr size_t kMaxIdBytes = 128;
inline constexpr size_t kMaxNameBytes = 512;
inline constexpr size_t kMaxTitleBytes = 1024;
inline constexpr size_t kMaxDescriptionBytes = 16 * 1024;
inline constexpr size_t kMaxShortTextBytes = 256;    // keyword, sector, city
inline constexpr size_t kMaxFundingCallBytes = 128;  // programme, topic
inline constexpr int kMaxListItems = 64;  // keywords, sectors, channels ...
inline constexpr int kMinYear = 1950;
inline constexpr int kMaxYear = 2100;

absl::Status ValidateRecord(const v1::Record& record);
absl::Status ValidateOrganization(const v1::Organization& org,
                                  absl::string_view path = "organization");
absl::Status ValidateCapability(const v1::CapabilityProfile& profile,
                                absl::string_view path = "capability");
absl::Status ValidateNeed(const v1::FirmNeed& need,
                          absl::string_view path = "need");
// Programme and topic at most kMaxFundingCallBytes of UTF-8 each.
absl::Status ValidateFundingCall(const v1::FundingCall& call,
                                 absl::string_view path);
absl::Status ValidateTie(const v1::Tie& tie, absl::string_view path = "tie");
absl::Status ValidateOutcome(const v1::Outcome& outcome,
                             absl::string_view path = "outcome");

inline constexpr size_t kMaxNoteBytes = 1000;
// Outcome.confirmed_by of an outcome an operator confirmed.
inline constexpr char kOperatorConfirmation[] = "operator";

// An id: 1..kMaxIdBytes bytes of [A-Za-z0-9._:-].
absl::Status ValidateId(absl::string_view id, absl::string_view path);

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_RECORD_VALIDATION_H_
