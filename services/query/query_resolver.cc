#include "services/query/query_resolver.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "indexer/record_validation.h"
#include "indexer/text_analyzer.h"
#include "services/query/recommend_request.h"

namespace helixmatch {
namespace {

absl::Status Invalid(absl::string_view path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

// The query record of a need_id or capability_id request: its owner asks,
// with the record's stored vector and terms. A need the caller may not
// see is answered like a missing one.
absl::Status ResolveRecordQuery(const Catalog& catalog, v1::RecordKind kind,
                                const std::string& id, const Viewer& caller,
                                Query* q) {
  const bool need = kind == v1::RECORD_KIND_NEED;
  const ProfileSet& set = catalog.profiles(kind);
  const uint32_t slot = set.SlotOf(id);
  if (slot == kNoIndex || (need && !MaySee(caller, *set.entry(slot).need))) {
    return absl::NotFoundError(
        absl::StrCat(need ? "need '" : "capability '", id, "' not found"));
  }
  const ProfileEntry& e = set.entry(slot);
  q->direction = need ? v1::DIRECTION_NEED_TO_CAPABILITIES
                      : v1::DIRECTION_CAPABILITY_TO_NEEDS;
  q->need = e.need.get();
  q->capability = e.capability.get();
  if (e.need) q->funding_call = e.need->funding_call();
  if (e.capability) q->funding_call = e.capability->funding_call();
  q->requester = e.organization;
  const auto v = set.index().Vector(slot);
  q->vector.assign(v.begin(), v.end());
  for (const auto& tc : e.terms) q->terms.push_back(tc.term);
  return absl::OkStatus();
}

// Checks a free-text request; the text is embedded once the query's
// viewer is known (EmbedQueryText).
absl::Status CheckTextQuery(const v1::RecommendRequest& request, Query* q) {
  if (request.direction() == v1::DIRECTION_UNSPECIFIED ||
      !v1::Direction_IsValid(request.direction())) {
    return Invalid("direction",
                   "is required with a text query "
                   "(DIRECTION_NEED_TO_CAPABILITIES or "
                   "DIRECTION_CAPABILITY_TO_NEEDS)");
  }
  if (absl::StripAsciiWhitespace(request.text()).empty()) {
    return Invalid("text", "is empty");
  }
  if (request.text().size() > kMaxQueryTextBytes) {
    return Invalid("text",
                   absl::StrCat("is ", request.text().size(),
                                " bytes, the limit is ", kMaxQueryTextBytes));
  }
  if (auto s = ValidateFundingCall(request.funding_call(), "funding_call");
      !s.ok()) {
    return s;
  }
  q->direction = request.direction();
  q->funding_call = request.funding_call();
  return absl::OkStatus();
}

absl::Status ResolveQueryText(const Catalog& catalog,
                              const v1::RecommendRequest& request,
                              const Viewer& caller, Query* q) {
  switch (request.query_case()) {
    case v1::RecommendRequest::kNeedId:
      if (request.direction() == v1::DIRECTION_CAPABILITY_TO_NEEDS) {
        return Invalid("direction",
                       "need_id queries look for capabilities "
                       "(DIRECTION_NEED_TO_CAPABILITIES)");
      }
      if (auto s = ValidateId(request.need_id(), "need_id"); !s.ok()) return s;
      return ResolveRecordQuery(catalog, v1::RECORD_KIND_NEED,
                                request.need_id(), caller, q);
    case v1::RecommendRequest::kCapabilityId:
      if (request.direction() == v1::DIRECTION_NEED_TO_CAPABILITIES) {
        return Invalid("direction",
                       "capability_id queries look for needs "
                       "(DIRECTION_CAPABILITY_TO_NEEDS)");
      }
      if (auto s = ValidateId(request.capability_id(), "capability_id");
          !s.ok()) {
        return s;
      }
      return ResolveRecordQuery(catalog, v1::RECORD_KIND_CAPABILITY,
                                request.capability_id(), caller, q);
    case v1::RecommendRequest::kText:
      return CheckTextQuery(request, q);
    default:
      return Invalid("query",
                     "one of need_id, capability_id, text is "
                     "required");
  }
}

// The owner of a query record asks for it (a different id is a mistake);
// a text query may name any organization as the asker.
absl::Status ResolveRequester(const Catalog& catalog,
                              const v1::RecommendRequest& request, Query* q) {
  const std::string& asked = request.requester_organization_id();
  if (asked.empty()) return absl::OkStatus();
  if (request.query_case() != v1::RecommendRequest::kText) {
    const auto& owner = catalog.organization(q->requester).record->id();
    if (owner != asked) {
      return Invalid("requester_organization_id",
                     absl::StrCat("'", asked,
                                  "' does not own the queried record; an id "
                                  "query asks for the record's owner"));
    }
    return absl::OkStatus();
  }
  const uint32_t i = catalog.LiveOrganizationIndex(asked);
  if (i == kNoIndex) {
    return absl::NotFoundError(
        absl::StrCat("requester organization '", asked, "' not found"));
  }
  q->requester = i;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Query> ResolveQuery(const Catalog& catalog,
                                   const Embedder& embedder,
                                   const v1::RecommendRequest& request,
                                   const Viewer& caller) {
  Query q;
  q.filter = request.filter();
  if (auto s = ResolveQueryText(catalog, request, caller, &q); !s.ok()) {
    return s;
  }
  if (auto s = ResolveRequester(catalog, request, &q); !s.ok()) return s;
  SetQueryViewer(QueryViewer(catalog, caller, q.requester), &q);
  if (request.query_case() == v1::RecommendRequest::kText) {
    int known = 0;
    EmbedQueryText(catalog, embedder, Tokenize(request.text()), &q, &known);
    if (known == 0 && q.terms.empty()) {
      return Invalid("text",
                     "has no word the model or the indexed corpus knows");
    }
  }
  if (q.requester != kNoIndex) SetRequester(catalog, q.requester, &q);
  SetQueryTarget(catalog, &q);
  return q;
}

Viewer QueryViewer(const Catalog& catalog, const Viewer& caller,
                   uint32_t requester) {
  if (!caller.is_operator()) return caller;
  if (requester == kNoIndex) return Viewer{};
  const v1::Organization& org = *catalog.organization(requester).record;
  return org.kind() == v1::ORGANIZATION_KIND_GOVERNMENT_PROGRAMME
             ? Viewer::Programme(org.id())
             : Viewer::Organization(org.id());
}

void SetQueryViewer(Viewer viewer, Query* q) {
  q->seen = SeenAudiences(viewer);
  q->viewer = std::move(viewer);
}

void EmbedQueryText(const Catalog& catalog, const Embedder& embedder,
                    const std::vector<std::string>& tokens, Query* q,
                    int* known_words) {
  q->vector = embedder.Embed(tokens, known_words);
  for (const auto& t : tokens) {
    const uint32_t id = catalog.terms().Find(t);
    if (id != kNoIndex && catalog.TermSeen(id, q->seen)) {
      q->terms.push_back(id);
    }
  }
  std::sort(q->terms.begin(), q->terms.end());
  q->terms.erase(std::unique(q->terms.begin(), q->terms.end()), q->terms.end());
}

void SetRequester(const Catalog& catalog, uint32_t organization, Query* q) {
  q->requester = organization;
  q->partners = catalog.PartnersOf(organization);
}

void SetQueryTarget(const Catalog& catalog, Query* q) {
  q->target = q->direction == v1::DIRECTION_NEED_TO_CAPABILITIES
                  ? &catalog.capabilities()
                  : &catalog.needs();
  const double n =
      static_cast<double>(std::max<int64_t>(1, q->target->live(q->seen)));
  q->term_idf.clear();
  for (uint32_t term : q->terms) {
    const double df = q->target->DocumentFrequency(term, q->seen);
    q->term_idf.push_back(std::log(1.0 + (n - df + 0.5) / (df + 0.5)));
  }
}

}  // namespace helixmatch
