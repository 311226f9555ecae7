#include "services/engine/group_commit.h"

#include <algorithm>
#include <chrono>

namespace helixmatch {

bool WriteOp::ConflictsWith(const KeySet& writes, const KeySet& reads,
                            const KeySet& adds) const {
  const auto any_in = [](const std::vector<std::string>& keys,
                         const KeySet& set) {
    return std::any_of(keys.begin(), keys.end(),
                       [&](const std::string& k) { return set.count(k) > 0; });
  };
  return any_in(this->writes, writes) || any_in(this->writes, reads) ||
         any_in(this->reads, writes) || any_in(this->reads, adds) ||
         any_in(this->adds, reads);
}

absl::Status GroupCommit::Commit(WriteOp& op) {
  Queued queued{&op, absl::OkStatus()};
  std::unique_lock<std::mutex> lock(queue_mu_);
  queue_.push_back(&queued);
  while (!queued.done) {
    if (committing_) {
      queue_cv_.wait(lock);
      continue;
    }
    committing_ = true;
    std::vector<Queued*> group = TakeGroup();
    lock.unlock();
    RunGroup(group);
    lock.lock();
    for (Queued* g : group) g->done = true;
    committing_ = false;
    queue_cv_.notify_all();
  }
  return queued.status;
}

// Writes from the front while they do not conflict; stops at the first
// that does, so writes to the same records stay in order.
std::vector<GroupCommit::Queued*> GroupCommit::TakeGroup() {
  std::vector<Queued*> group;
  WriteOp::KeySet writes, reads, adds;
  size_t records = 0;
  while (!queue_.empty() && group.size() < kMaxGroupWrites &&
         records < kMaxGroupRecords) {
    Queued* next = queue_.front();
    const WriteOp& op = *next->op;
    if (!group.empty() && op.ConflictsWith(writes, reads, adds)) break;
    writes.insert(op.writes.begin(), op.writes.end());
    reads.insert(op.reads.begin(), op.reads.end());
    adds.insert(op.adds.begin(), op.adds.end());
    records += op.records;
    group.push_back(next);
    queue_.pop_front();
  }
  return group;
}

void GroupCommit::RunGroup(const std::vector<Queued*>& group) {
  std::lock_guard<std::mutex> write_lock(write_mu_);
  StoreBatch batch;
  std::vector<Queued*> accepted;
  int64_t writing = 0;  // accepted writes with changes to store
  {
    auto read_lock = lock_->Read();
    for (Queued* q : group) {
      StoreBatch own;
      q->status = q->op->check(&own);
      if (!q->status.ok()) continue;
      writing += own.size() > 0 ? 1 : 0;
      batch.Append(std::move(own));
      accepted.push_back(q);
    }
  }
  // Nothing to write (e.g. an ingest chunk whose records were all
  // refused): no sync, and the counters stay as they are.
  if (batch.size() == 0) return;
  const auto sync_start = std::chrono::steady_clock::now();
  if (auto s = store_->Write(batch); !s.ok()) {
    for (Queued* q : accepted) q->status = s;
    return;
  }
  const std::chrono::duration<double> synced =
      std::chrono::steady_clock::now() - sync_start;
  auto catalog_lock = lock_->Write();
  for (Queued* q : accepted) {
    if (auto s = q->op->apply(); !s.ok()) q->status = s;
  }
  ++counters_.groups;
  counters_.writes += writing;
  counters_.changes_since_save += static_cast<int64_t>(batch.size());
  counters_.group_writes.Observe(static_cast<double>(writing));
  counters_.sync_seconds.Observe(synced.count());
}

CommitCounters GroupCommit::Counters() const {
  std::lock_guard<std::mutex> write_lock(write_mu_);
  return counters_;
}

void GroupCommit::MarkSaved(const std::unique_lock<std::mutex>& held) {
  (void)held;
  counters_.changes_since_save = 0;
}

}  // namespace helixmatch
