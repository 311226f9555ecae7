#include "services/query/query_resolver.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "indexer/record_validation.h"
#include "indexer/text_analyzer.h"
#include "services/catalog/funding_call.h"
#include "services/query/recommend_request.h"

namespace helixmatch {
namespace {

void SetFundingCall(const v1::FundingCall& call, Query* q) {
  q->funding_call = call;
  q->call_family = CallFamily(call.topic());
}

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
  if (e.need) SetFundingCall(e.need->funding_call(), q);
  if (e.capability) SetFundingCall(e.capability->funding_call(), q);
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
  SetFundingCall(request.funding_call(), q);
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
  if (request.query_case() != v1::RecommendRequest::kText) {
    std::vector<std::string> asked;
    asked.reserve(q.terms.size());
    for (uint32_t term : q.terms) asked.push_back(catalog.terms().Term(term));
    AddEquivalentTerms(catalog, embedder, asked, &q);
  } else {
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
  AddEquivalentTerms(catalog, embedder, tokens, q);
}

void AddEquivalentTerms(const Catalog& catalog, const Embedder& embedder,
                        std::span<const std::string> asked, Query* q) {
  // (term, asked word it stands for or kNoIndex), asked terms first.
  std::vector<std::pair<uint32_t, uint32_t>> terms;
  terms.reserve(q->terms.size());
  for (uint32_t term : q->terms) terms.emplace_back(term, kNoIndex);
  auto is_asked_term = [q](uint32_t term) {
    return std::binary_search(q->terms.begin(), q->terms.end(), term);
  };
  absl::flat_hash_set<std::string_view> seen_words;
  for (const std::string& word : asked) {
    if (!seen_words.insert(word).second) continue;
    uint32_t via = kNoIndex;
    for (std::string_view equivalent : embedder.Equivalents(word, q->vector)) {
      const uint32_t term = catalog.terms().Find(
          absl::string_view(equivalent.data(), equivalent.size()));
      if (term == kNoIndex || is_asked_term(term) ||
          !catalog.TermSeen(term, q->seen)) {
        continue;
      }
      if (via == kNoIndex) {
        via = static_cast<uint32_t>(q->via_words.size());
        const uint32_t self = catalog.terms().Find(word);
        q->via_words.push_back(
            {word, self != kNoIndex && is_asked_term(self)});
      }
      terms.emplace_back(term, via);
    }
  }
  if (q->via_words.empty()) return;
  // One entry a term: an asked term stays asked; an equivalent of several
  // asked words stands for the first of them.
  std::stable_sort(terms.begin(), terms.end(),
                   [](const auto& a, const auto& b) {
                     if (a.first != b.first) return a.first < b.first;
                     return (a.second == kNoIndex) > (b.second == kNoIndex);
                   });
  q->terms.clear();
  q->term_via.clear();
  for (const auto& [term, via] : terms) {
    if (!q->terms.empty() && q->terms.back() == term) continue;
    q->terms.push_back(term);
    q->term_via.push_back(via);
  }
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
  q->idf_total = 0;
  // The best equivalent of each asked word that is not itself a term.
  std::vector<double> best_equivalent(q->via_words.size(), 0.0);
  for (size_t i = 0; i < q->terms.size(); ++i) {
    const double df = q->target->DocumentFrequency(q->terms[i], q->seen);
    double idf = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
    const uint32_t via = i < q->term_via.size() ? q->term_via[i] : kNoIndex;
    if (via == kNoIndex) {
      q->idf_total += idf;
    } else {
      idf *= kEquivalentTermWeight;
      best_equivalent[via] = std::max(best_equivalent[via], idf);
    }
    q->term_idf.push_back(idf);
  }
  for (size_t v = 0; v < q->via_words.size(); ++v) {
    if (!q->via_words[v].is_term) q->idf_total += best_equivalent[v];
  }
}

}  // namespace helixmatch
