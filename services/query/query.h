// A resolved query: what is asked (a vector and BM25 terms over one
// target profile set), by whom, and which targets it may return.
// ResolveQuery (query_resolver.h) makes one from a RecommendRequest;
// screening builds one from a proposal's text.
#ifndef HELIXMATCH_SERVICES_QUERY_QUERY_H_
#define HELIXMATCH_SERVICES_QUERY_QUERY_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "helixmatch/v1/matching.pb.h"
#include "helixmatch/v1/records.pb.h"
#include "services/catalog/catalog.h"
#include "services/catalog/visibility.h"

namespace helixmatch {

struct Query {
  v1::Direction direction = v1::DIRECTION_UNSPECIFIED;
  // The profiles searched: capabilities for DIRECTION_NEED_TO_CAPABILITIES,
  // needs for DIRECTION_CAPABILITY_TO_NEEDS. Set by SetQueryTarget.
  const ProfileSet* target = nullptr;
  std::vector<float> vector;
  std::vector<uint32_t> terms;    // distinct term ids, ascending
  std::vector<double> term_idf;   // BM25 idf of terms[i] over the target
  // Terms reached across languages (AddEquivalentTerms): terms[i] was not
  // asked but stands for the asked word via_words[term_via[i]] ("copper"
  // for "медь"); kNoIndex for an asked term. Empty, or parallel to terms.
  std::vector<uint32_t> term_via;
  struct AskedWord {
    std::string text;
    bool is_term = false;  // also among the asked terms
  };
  std::vector<AskedWord> via_words;
  // The idf of a profile holding every asked term, and for each asked word
  // that is not itself a term, its best equivalent (the BM25 maximum).
  double idf_total = 0;
  uint32_t requester = kNoIndex;  // organization asking; kNoIndex: unknown
  // The record the query was made from, if any (owned by the catalog).
  const v1::FirmNeed* need = nullptr;
  const v1::CapabilityProfile* capability = nullptr;
  v1::Filter filter;
  // Whose view of the catalog the query takes (visibility.h): which needs
  // it may return, which ties it shows, and the audiences its BM25
  // statistics (idf, average length) and free-text terms are counted
  // over. The caller, or for an operator the requester it asks for.
  Viewer viewer;
  Audience seen = Audience::kEveryone;  // SeenAudiences(viewer)
  // The funding call the query's need targets (from the need record or
  // the request); empty programme and topic: unknown.
  v1::FundingCall funding_call;
  // CallFamily(funding_call.topic()), computed once per query.
  std::string call_family;
  // A profile counts towards topic depth only from this fit up (besides
  // being close to the best one); screening sets its weak-fit line.
  double min_match_fit = 0;
  // The requester's partners by live tie, ascending (Catalog::PartnersOf:
  // valid while the catalog is not mutated).
  std::span<const uint32_t> partners;
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_QUERY_QUERY_H_
