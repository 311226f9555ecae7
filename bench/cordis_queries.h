// The company queries of the CORDIS evaluation protocol
// (../shared/data/cordis-h2020/README.md): every project starting in
// [queries_from, queries_until] with a title and at least one HES and one
// PRC participant gives one query per PRC participant (that firm asks,
// with the project's title and call topic as its need); the project's HES
// participants are the relevant answers. Source: CORDIS, (c) European
// Union.
#ifndef HELIXMATCH_BENCH_CORDIS_QUERIES_H_
#define HELIXMATCH_BENCH_CORDIS_QUERIES_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace helixmatch::bench {

struct CordisQuery {
  std::string firm;                // "pic:<PIC>", the requester
  std::string text;                // title + ". " + topic title
  std::set<std::string> relevant;  // "pic:<PIC>" of the HES participants
  // The firm co-participated with a university in a project up to
  // profiles_until.
  bool tied = false;
  // The project's programme part and call topic code (empty when the
  // export lacks the columns): the funding call the need targets.
  std::string programme;
  std::string topic;
};

// In project order (by rcn). NOT_FOUND or INVALID_ARGUMENT naming the
// file when a CSV is missing or lacks a column.
absl::StatusOr<std::vector<CordisQuery>> LoadCordisQueries(
    const std::string& data_dir, int profiles_until, int queries_from,
    int queries_until);

}  // namespace helixmatch::bench

#endif  // HELIXMATCH_BENCH_CORDIS_QUERIES_H_
