#include "services/query/retrieval.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace helixmatch {
namespace {

// (weight, slot) of every profile the query's viewer may be suggested
// that holds a query term that is not too common, unsorted. Commonness
// counts what the viewer sees, so hidden profiles change nothing here.
std::vector<std::pair<double, uint32_t>> LexicalCandidates(
    const Query& q, const TargetFilter& filter) {
  const ProfileSet& target = *q.target;
  std::unordered_map<uint32_t, double> lexical;
  const size_t common =
      std::max<size_t>(1000, static_cast<size_t>(target.live(q.seen)) / 10);
  for (size_t i = 0; i < q.terms.size(); ++i) {
    if (target.DocumentFrequency(q.terms[i], q.seen) > common) continue;
    for (const Posting& p : target.Postings(q.terms[i])) {
      if (!filter.Suggestible(target.entry(p.slot))) continue;
      lexical[p.slot] += q.term_idf[i] * p.count / (p.count + 1.0);
    }
  }
  std::vector<std::pair<double, uint32_t>> lex;
  lex.reserve(lexical.size());
  for (const auto& [slot, score] : lexical) lex.emplace_back(score, slot);
  return lex;
}

std::vector<uint32_t> PartnerCandidates(const Catalog& catalog, const Query& q,
                                        const TargetFilter& filter) {
  std::vector<uint32_t> slots;
  for (uint32_t partner : q.partners) {
    const auto& entry = catalog.organization(partner);
    const auto& of_partner = q.target->kind() == v1::RECORD_KIND_NEED
                                 ? entry.needs
                                 : entry.capabilities;
    for (uint32_t slot : of_partner) {
      if (filter.IsAllowed(slot)) slots.push_back(slot);
    }
  }
  return slots;
}

CandidatePool GroupByOrganization(const ProfileSet& target,
                                  std::vector<uint32_t> slots) {
  std::sort(slots.begin(), slots.end());
  CandidatePool pool;
  std::unordered_map<uint32_t, size_t> position;
  for (uint32_t slot : slots) {
    const uint32_t org = target.entry(slot).organization;
    auto [it, added] = position.emplace(org, pool.by_organization.size());
    if (added) pool.by_organization.emplace_back(org, std::vector<uint32_t>{});
    pool.by_organization[it->second].second.push_back(slot);
  }
  pool.slots = std::move(slots);
  return pool;
}

}  // namespace

absl::StatusOr<CandidatePool> RetrieveCandidates(
    const Catalog& catalog, const Query& q, const TargetFilter& filter,
    const RetrievalOptions& options) {
  const ProfileSet& target = *q.target;
  auto lex = LexicalCandidates(q, filter);
  const std::vector<uint32_t> partner_slots =
      options.partners ? PartnerCandidates(catalog, q, filter)
                       : std::vector<uint32_t>{};
  const int64_t slots = target.index().slots();
  int64_t n = std::max<int64_t>(200, int64_t{options.k} * 20);
  while (true) {
    std::unordered_set<uint32_t> pool(partner_slots.begin(),
                                      partner_slots.end());
    auto hits = target.index().Search(
        q.vector, static_cast<int>(std::min(n, slots)), &filter);
    if (!hits.ok()) return hits.status();
    for (const auto& h : *hits) pool.insert(static_cast<uint32_t>(h.slot));
    const size_t take = std::min<size_t>(lex.size(), static_cast<size_t>(n));
    std::partial_sort(
        lex.begin(), lex.begin() + static_cast<std::ptrdiff_t>(take), lex.end(),
        [](const auto& a, const auto& b) {
          return a.first != b.first ? a.first > b.first : a.second < b.second;
        });
    for (size_t i = 0; i < take; ++i) {
      if (filter.IsAllowed(lex[i].second)) pool.insert(lex[i].second);
    }
    CandidatePool grouped = GroupByOrganization(
        target, std::vector<uint32_t>(pool.begin(), pool.end()));
    if (static_cast<int>(grouped.by_organization.size()) >= options.k ||
        n >= slots) {
      return grouped;
    }
    n *= 4;
  }
}

}  // namespace helixmatch
