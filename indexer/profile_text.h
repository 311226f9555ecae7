// The text of a capability profile or a need that is analysed for
// matching (embedded, counted for BM25, shown as matched terms): title,
// unit (capabilities only), description and keywords, joined by ". ".
//
// Thread-safe: pure functions.
#ifndef HELIXMATCH_INDEXER_PROFILE_TEXT_H_
#define HELIXMATCH_INDEXER_PROFILE_TEXT_H_

#include <string>

#include "helixmatch/v1/records.pb.h"

namespace helixmatch {

std::string CapabilityText(const v1::CapabilityProfile& profile);
std::string NeedText(const v1::FirmNeed& need);

// The text of a capability or need record; "" for the other kinds, which
// are not matched by text.
std::string ProfileText(const v1::Record& record);

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_PROFILE_TEXT_H_
