// Reads a CORDIS Horizon 2020 export (organizations.csv, participations.csv,
// projects.csv; columns as in the public CORDIS tables) into helixmatch
// records and queues them on a CorpusImporter:
//   - every organization, id "pic:<PIC>" (HES -> university, REC -> research
//     institute, PRC -> firm, PUB and OTH -> other); a missing name becomes
//     "PIC <PIC> (name not published)";
//   - one capability profile per project and university or research
//     institute, id "cap:<PIC>:<rcn>", with the project's title, call topic,
//     year and a reference "project ACRONYM (YEAR)";
//   - ties from co-participation between a firm and a research organization
//     and between two research organizations, id "tie:<rcn>:<PIC>:<PIC>".
// Projects starting after `until_year` are left out entirely (time splits).
// Whatever is skipped is counted by reason in the report.
#ifndef HELIXMATCH_INDEXER_CORDIS_IMPORTER_H_
#define HELIXMATCH_INDEXER_CORDIS_IMPORTER_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "indexer/corpus_importer.h"

namespace helixmatch {

struct CordisImportOptions {
  int until_year = 0;  // 0: every year
  // Consortia larger than this give no ties (quadratic in size, and a
  // 100-partner consortium says little about any one pair).
  int max_consortium_for_ties = 50;
};

struct CordisReport {
  int64_t organizations = 0;
  int64_t organizations_without_name = 0;
  int64_t projects = 0;  // within the years
  int64_t capabilities = 0;
  int64_t ties = 0;
  // Skipped, by reason ("project after --until-year", "project without
  // title (unmapped)", "participation of unknown organization", ...).
  std::map<std::string, int64_t> skipped;
  std::vector<std::string> bad_rows;  // "file:line: reason", first 50
};

// Reads DIR/organizations.csv, DIR/participations.csv, DIR/projects.csv
// and queues the records on `importer`. Errors: NOT_FOUND for a missing
// file, INVALID_ARGUMENT for a missing column (named).
absl::StatusOr<CordisReport> QueueCordisExport(
    const std::string& dir, const CordisImportOptions& options,
    CorpusImporter* importer);

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_CORDIS_IMPORTER_H_
