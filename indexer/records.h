// What every write path (the bulk importer, the engine's Upsert, BatchUpsert,
// Ingest, RecordOutcome and Delete) knows about a record: its kind, name and
// id, the organizations it refers to, the checks before it is written, and
// the store writes it becomes. Every switch over record kinds lives here, so
// callers elsewhere need none: they look kinds up in kRecordKinds or visit a
// record with VisitRecord.
//
// Thread-safe: all functions are pure.
#ifndef HELIXMATCH_INDEXER_RECORDS_H_
#define HELIXMATCH_INDEXER_RECORDS_H_

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <variant>

#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "helixmatch/v1/records.pb.h"

namespace helixmatch {

class StoreBatch;

// ------------------------------------------------------------ kinds

struct RecordKindInfo {
  v1::RecordKind kind;
  absl::string_view name;  // as in field paths and messages: "capability"
  v1::Record::KindCase kind_case;
};

// Every record kind, in RecordKind order.
inline constexpr RecordKindInfo kRecordKinds[] = {
    {v1::RECORD_KIND_ORGANIZATION, "organization", v1::Record::kOrganization},
    {v1::RECORD_KIND_CAPABILITY, "capability", v1::Record::kCapability},
    {v1::RECORD_KIND_NEED, "need", v1::Record::kNeed},
    {v1::RECORD_KIND_TIE, "tie", v1::Record::kTie},
    {v1::RECORD_KIND_OUTCOME, "outcome", v1::Record::kOutcome},
};

// RECORD_KIND_UNSPECIFIED when the record has no kind set.
v1::RecordKind KindOf(const v1::Record& record);

// "organization", "capability", "need", "tie", "outcome"; "" for
// RECORD_KIND_UNSPECIFIED, a value outside the enum, or a record with no
// kind set.
absl::string_view RecordKindName(v1::RecordKind kind);
absl::string_view RecordKindName(const v1::Record& record);

// The kind named `name` (as RecordKindName gives it); nullopt otherwise.
std::optional<v1::RecordKind> ParseRecordKind(absl::string_view name);

// The record's id; "" when no kind is set. The reference lives as long as
// the record.
const std::string& RecordId(const v1::Record& record);

// Calls `visitor` with the record's typed message (const v1::Organization&,
// const v1::CapabilityProfile&, const v1::FirmNeed&, const v1::Tie& or
// const v1::Outcome&), or with std::monostate{} when no kind is set, and
// returns what it returns. As with std::visit, every call must return the
// same type.
template <class Visitor>
decltype(auto) VisitRecord(const v1::Record& record, Visitor&& visitor) {
  switch (record.kind_case()) {
    case v1::Record::kOrganization:
      return std::forward<Visitor>(visitor)(record.organization());
    case v1::Record::kCapability:
      return std::forward<Visitor>(visitor)(record.capability());
    case v1::Record::kNeed:
      return std::forward<Visitor>(visitor)(record.need());
    case v1::Record::kTie:
      return std::forward<Visitor>(visitor)(record.tie());
    case v1::Record::kOutcome:
      return std::forward<Visitor>(visitor)(record.outcome());
    case v1::Record::KIND_NOT_SET:
      break;
  }
  return std::forward<Visitor>(visitor)(std::monostate{});
}

// The message type of a kind, as a value: VisitKind passes
// KindTag<v1::Organization>{} and so on.
template <class Message>
struct KindTag {
  using type = Message;
};

// Calls `visitor` with the KindTag of `kind`'s message, or with
// std::monostate{} for RECORD_KIND_UNSPECIFIED and values outside the
// enum, and returns what it returns (the same type for every call).
template <class Visitor>
decltype(auto) VisitKind(v1::RecordKind kind, Visitor&& visitor) {
  switch (kind) {
    case v1::RECORD_KIND_ORGANIZATION:
      return std::forward<Visitor>(visitor)(KindTag<v1::Organization>{});
    case v1::RECORD_KIND_CAPABILITY:
      return std::forward<Visitor>(visitor)(KindTag<v1::CapabilityProfile>{});
    case v1::RECORD_KIND_NEED:
      return std::forward<Visitor>(visitor)(KindTag<v1::FirmNeed>{});
    case v1::RECORD_KIND_TIE:
      return std::forward<Visitor>(visitor)(KindTag<v1::Tie>{});
    case v1::RECORD_KIND_OUTCOME:
      return std::forward<Visitor>(visitor)(KindTag<v1::Outcome>{});
    default:
      break;
  }
  return std::forward<Visitor>(visitor)(std::monostate{});
}

// Combines lambdas into one visitor for VisitRecord and VisitKind, e.g.
//   VisitRecord(record, Overloaded{[](const v1::Tie& tie) { ... },
//                                  [](const auto& other) { ... }});
template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};

// Whether the record is written for everyone: anything but a need marked
// PRIVATE or PROGRAMME_ONLY (services/catalog/visibility.h has the whole
// rule). Only such records' text fits the embedding model's IDF, so the
// model's word weights say nothing about hidden records.
bool WrittenForEveryone(const v1::Record& record);

// ------------------------------------------------------ outcome ties

// Ids of ties made from outcomes: this prefix, then the outcome's id. No
// other tie may have such an id (ValidateForWrite), and such a tie is
// written and deleted only with its outcome (AddPutWrites,
// AddDeleteWrites).
inline constexpr char kOutcomeTiePrefix[] = "outcome:";

// "outcome:<outcome id>".
std::string OutcomeTieId(absl::string_view outcome_id);

// Whether both parties stand behind the outcome: the other party (or an
// operator) confirmed it, or an operator recorded it (empty recorded_by:
// an import or an operator's call; this also covers outcomes stored
// before claims existed). Otherwise it is a claim of one party.
bool OutcomeConfirmed(const v1::Outcome& outcome);

// The tie an engagement outcome describes (id "outcome:<outcome id>"),
// confirmed or not; nullopt for outcomes that are no engagement
// (contacted, declined, no answer).
std::optional<v1::Tie> EngagementTie(const v1::Outcome& outcome);

// The tie an outcome becomes in the store and the catalog: its
// EngagementTie once it is confirmed (OutcomeConfirmed), else nullopt. A
// claim adds nothing to trust, the ladder or the ranking, so one party
// alone cannot make a tie. The tie is undirected for trust.
std::optional<v1::Tie> TieFromOutcome(const v1::Outcome& outcome);

// ------------------------------------------------- references, checks

// A field of a record that names an organization.
struct OrganizationReference {
  absl::string_view field;  // e.g. "capability.organization_id"
  const std::string* id;    // into the record; lives as long as it
};

// The organizations a record refers to, each of which must exist (stored,
// or written in the same batch) before the record may be written: none for
// an organization, one for a capability or need, two for a tie or outcome.
absl::InlinedVector<OrganizationReference, 2> OrganizationReferences(
    const v1::Record& record);

// The checks a record passes before any write path stores it: ValidateRecord
// (its errors name the field within the record, "capability.trl.min: 0 is
// outside 1..9"), then the reserved ids: a tie id may not start with
// kOutcomeTiePrefix ("<path>.tie.id: the prefix 'outcome:' is reserved for
// ties made from recorded outcomes; record an outcome instead", or
// "tie.id: ..." when `path` is empty). INVALID_ARGUMENT.
absl::Status ValidateForWrite(const v1::Record& record,
                              absl::string_view path = "");

// The checks before a delete: INVALID_ARGUMENT for a missing or unknown
// kind ("kind: is required (organization, ...)") or a bad id ("id: ...");
// FAILED_PRECONDITION for a tie made from an outcome, which goes only with
// its outcome (the message names the outcome to delete instead).
absl::Status ValidateForDelete(v1::RecordKind kind, absl::string_view id);

// ------------------------------------------------------------ writes

// Adds the writes that store `record` to `batch`, replacing any stored
// record of the same kind and id. `vector` is the embedding of a capability
// or need (ignored for the other kinds). An outcome also puts the tie it
// becomes once confirmed, or deletes the tie "outcome:<id>" when it
// becomes none (a claim, or no engagement), since a replaced outcome may
// have made one. The record must have passed
// ValidateForWrite, and its organization references must exist.
void AddPutWrites(const v1::Record& record, std::span<const float> vector,
                  StoreBatch* batch);

// Adds the writes that delete the record of `kind` and `id` to `batch`;
// deleting an outcome deletes its tie too. Deleting a missing record is no
// error for the store; callers that must report NOT_FOUND check first.
void AddDeleteWrites(v1::RecordKind kind, absl::string_view id,
                     StoreBatch* batch);

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_RECORDS_H_
