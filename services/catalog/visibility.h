// Who may see which record: the one visibility rule of helixmatch. Every
// read path applies it (Get of every kind, Recommend, Explain, screening,
// pathways, decline reasons, Stats), so a record a caller may not see
// answers exactly like a record that does not exist.
//
// The rule (docs/security.md has the matrix and the tests of each cell):
//   organization, capability profile, tie   everyone
//   need, PUBLIC or UNSPECIFIED             everyone
//   need, PROGRAMME_ONLY                    its owner, programmes, operators
//   need, PRIVATE                           its owner and operators
//   outcome                                 its two parties and operators
//   tie made from an outcome ("outcome:ID") its two parties and operators,
//                                           like the outcome it came from
// A hidden record may still count in numbers (Stats, a firm's profile
// count, the trust score of a pair), never with its id, text or owner. A
// word that only hidden records hold is unknown to the viewer: query
// terms, BM25 statistics and "no word the corpus knows" are computed over
// the records the viewer sees (ProfileSet keeps per-term counts by
// Audience for that).
//
// A private need still ranks for its owner: the owner (and an operator
// asking on its behalf) may query with it, and it counts in the owner's
// own results; it is never a suggestion to anyone.
//
// Thread-safe: all functions are pure.
#ifndef HELIXMATCH_SERVICES_CATALOG_VISIBILITY_H_
#define HELIXMATCH_SERVICES_CATALOG_VISIBILITY_H_

#include <cstdint>
#include <string>
#include <utility>

#include "helixmatch/v1/records.pb.h"

namespace helixmatch {

// Who reads. The server maps its authenticated principal onto one
// (services/server/match_api.h); the engine's read methods take it.
struct Viewer {
  enum class Role { kOperator, kOrganization, kProgramme };
  // The default is the least privileged viewer: an organization that owns
  // nothing, which sees public records only.
  Role role = Role::kOrganization;
  std::string organization_id;  // empty for operators

  static Viewer Operator() { return {Role::kOperator, ""}; }
  static Viewer Organization(std::string id) {
    return {Role::kOrganization, std::move(id)};
  }
  static Viewer Programme(std::string id) {
    return {Role::kProgramme, std::move(id)};
  }
  bool is_operator() const { return role == Role::kOperator; }
  // Whether the viewer acts for `organization_id` (operators act for none).
  bool Is(const std::string& organization_id) const {
    return role != Role::kOperator && !organization_id.empty() &&
           organization_id == this->organization_id;
  }
};

// The audience a need is written for, from the widest to the narrowest.
// Capability profiles are written for everyone.
enum class Audience : uint8_t { kEveryone = 0, kProgrammes = 1, kOwner = 2 };
inline constexpr int kAudiences = 3;

Audience AudienceOf(const v1::FirmNeed& need);

// The narrowest audience whose records of others the viewer sees, all the
// wider ones included: kOwner for operators (everything), kProgrammes for
// programmes, kEveryone for organizations. Per-term counts for the
// viewer's statistics add up the audiences from kEveryone to this one.
Audience SeenAudiences(const Viewer& viewer);

// The rule on audiences: an owner sees its own record, anyone else when
// the record's audience is among those it sees.
inline bool AudienceAllows(Audience audience, Audience seen, bool owner) {
  return owner || audience <= seen;
}

bool MaySee(const Viewer& viewer, const v1::FirmNeed& need);
bool MaySee(const Viewer& viewer, const v1::Outcome& outcome);
bool MaySee(const Viewer& viewer, const v1::Tie& tie);
// Dispatches on the record's kind; organizations and capability profiles
// are seen by everyone, a record without a kind by no one.
bool MaySee(const Viewer& viewer, const v1::Record& record);

// Whether a need may be suggested to someone: never when PRIVATE, and
// otherwise when `viewer` (the one the suggestions are for) may see it.
bool MaySuggest(const Viewer& viewer, const v1::FirmNeed& need);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_CATALOG_VISIBILITY_H_
