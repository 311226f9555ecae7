#include "services/catalog/profile_set.h"

#include <algorithm>

namespace helixmatch {

uint32_t TermDictionary::Intern(absl::string_view term) {
  auto [it, inserted] =
      ids_.emplace(std::string(term), static_cast<uint32_t>(terms_.size()));
  if (inserted) terms_.push_back(it->first);
  return it->second;
}

uint32_t TermDictionary::Find(absl::string_view term) const {
  const auto it = ids_.find(std::string(term));
  return it == ids_.end() ? kNoIndex : it->second;
}

const std::string& ProfileEntry::title() const {
  return capability ? capability->title() : need->title();
}
int ProfileEntry::trl_min() const {
  return capability ? capability->trl().min() : need->trl_wanted().min();
}
int ProfileEntry::trl_max() const {
  return capability ? capability->trl().max() : need->trl_wanted().max();
}

ProfileSet::ProfileSet(v1::RecordKind kind, std::unique_ptr<VectorIndex> index)
    : kind_(kind), index_(std::move(index)) {}

uint32_t ProfileSet::SlotOf(absl::string_view id) const {
  const auto it = slot_of_.find(id);
  return it == slot_of_.end() ? kNoIndex : it->second;
}

double ProfileSet::average_length() const {
  return live_ == 0
             ? 1.0
             : static_cast<double>(total_length_) / static_cast<double>(live_);
}

int64_t ProfileSet::live(Audience seen) const {
  int64_t n = 0;
  for (int a = 0; a <= static_cast<int>(seen); ++a) n += live_by_audience_[a];
  return n;
}

double ProfileSet::average_length(Audience seen) const {
  int64_t n = 0, length = 0;
  for (int a = 0; a <= static_cast<int>(seen); ++a) {
    n += live_by_audience_[a];
    length += length_by_audience_[a];
  }
  return n == 0 ? 1.0 : static_cast<double>(length) / static_cast<double>(n);
}

uint32_t ProfileSet::DocumentFrequency(uint32_t term, Audience seen) const {
  if (term >= frequency_.size()) return 0;
  uint32_t n = 0;
  for (int a = 0; a <= static_cast<int>(seen); ++a) n += frequency_[term][a];
  return n;
}

uint32_t ProfileSet::DocumentFrequency(uint32_t term) const {
  return term < postings_.size() ? static_cast<uint32_t>(postings_[term].size())
                                 : 0;
}

const std::vector<Posting>& ProfileSet::Postings(uint32_t term) const {
  static const std::vector<Posting> kEmpty;
  return term < postings_.size() ? postings_[term] : kEmpty;
}

void ProfileSet::IndexTerms(uint32_t slot) {
  const ProfileEntry& e = entries_[slot];
  const auto audience = static_cast<size_t>(e.audience);
  for (const TermCount& tc : e.terms) {
    if (tc.term >= postings_.size()) {
      postings_.resize(tc.term + 1);
      frequency_.resize(tc.term + 1);
    }
    postings_[tc.term].push_back({slot, tc.count});
    ++frequency_[tc.term][audience];
  }
  total_length_ += e.length;
  ++live_by_audience_[audience];
  length_by_audience_[audience] += e.length;
}

void ProfileSet::UnindexTerms(uint32_t slot) {
  const ProfileEntry& e = entries_[slot];
  const auto audience = static_cast<size_t>(e.audience);
  for (const TermCount& tc : e.terms) {
    auto& list = postings_[tc.term];
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const Posting& p) { return p.slot == slot; }),
               list.end());
    --frequency_[tc.term][audience];
  }
  total_length_ -= e.length;
  --live_by_audience_[audience];
  length_by_audience_[audience] -= e.length;
}

absl::Status ProfileSet::Put(ProfileEntry entry,
                             std::span<const float> vector) {
  if (static_cast<int64_t>(entries_.size()) != index_->slots()) {
    return absl::InternalError("profile slots out of step with vector index");
  }
  auto first = index_->Add(vector);
  if (!first.ok()) return first.status();
  Remove(entry.id);
  const auto slot = static_cast<uint32_t>(*first);
  slot_of_[entry.id] = slot;
  entries_.push_back(std::move(entry));
  IndexTerms(slot);
  ++live_;
  return absl::OkStatus();
}

absl::Status ProfileSet::AddVectors(std::span<const float> vectors) {
  if (static_cast<int64_t>(entries_.size()) != index_->slots()) {
    return absl::InternalError("profile slots out of step with vector index");
  }
  return index_->Add(vectors).status();
}

absl::Status ProfileSet::Adopt(ProfileEntry entry) {
  if (static_cast<int64_t>(entries_.size()) >= index_->slots()) {
    return absl::InternalError("no vector index slot left to adopt");
  }
  const auto slot = static_cast<uint32_t>(entries_.size());
  const bool live = entry.live;
  if (live) slot_of_[entry.id] = slot;
  entries_.push_back(std::move(entry));
  if (live) {
    IndexTerms(slot);
    ++live_;
  }
  return absl::OkStatus();
}

bool ProfileSet::Remove(absl::string_view id) {
  const auto it = slot_of_.find(id);
  if (it == slot_of_.end()) return false;
  const uint32_t slot = it->second;
  UnindexTerms(slot);
  entries_[slot].live = false;
  entries_[slot].terms.clear();
  entries_[slot].terms.shrink_to_fit();
  slot_of_.erase(it);
  --live_;
  return true;
}

std::vector<std::string> ProfileSet::SlotIds() const {
  std::vector<std::string> ids;
  ids.reserve(entries_.size());
  for (const auto& e : entries_) ids.push_back(e.live ? e.id : std::string());
  return ids;
}

}  // namespace helixmatch
