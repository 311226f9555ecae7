#include "indexer/cordis_importer.h"

#include <algorithm>
#include <fstream>
#include <unordered_map>
#include <unordered_set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "indexer/csv_reader.h"
#include "indexer/record_validation.h"

namespace helixmatch {
namespace {

struct Project {
  int start_year = 0;
  int end_year = 0;
  std::string acronym;
  std::string title;
  std::string topic_title;
  std::string programme_part;  // empty in exports without the column
  std::string topic_code;
};

struct Org {
  char type = 'O';  // H(ES), R(EC), P(RC), O(ther)
  bool research() const { return type == 'H' || type == 'R'; }
};

constexpr size_t kMaxBadRows = 50;

// Opens one file of the export and checks its header.
absl::Status OpenCsv(const std::string& path, std::ifstream* in,
                     CsvReader** reader, std::unique_ptr<CsvReader>* owner,
                     const std::vector<std::string>& columns) {
  in->open(path);
  if (!*in)
    return absl::NotFoundError(absl::StrCat("cannot open '", path, "'"));
  *owner = std::make_unique<CsvReader>(*in);
  *reader = owner->get();
  if (auto s = (*reader)->ReadHeader(columns); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", s.message()));
  }
  return absl::OkStatus();
}

}  // namespace

namespace {

// Reads the three files of an export, in order, into records queued on the
// importer; counts what it skips in the report.
class CordisExportReader {
 public:
  CordisExportReader(const std::string& dir, const CordisImportOptions& options,
                     CorpusImporter* importer)
      : dir_(dir), options_(options), importer_(importer) {}

  absl::Status ReadOrganizations();
  absl::Status ReadProjects();
  // Capability profiles per research participant; remembers the members
  // of each project for QueueTies.
  absl::Status ReadParticipations();
  // Ties of co-participation, in a stable order.
  void QueueTies();
  CordisReport& report() { return report_; }

 private:
  void BadRow(const std::string& file, int64_t line, absl::string_view reason) {
    ++report_.skipped["malformed row"];
    if (report_.bad_rows.size() < kMaxBadRows) {
      report_.bad_rows.push_back(absl::StrCat(file, ":", line, ": ", reason));
    }
  }

  const std::string dir_;
  const CordisImportOptions options_;
  CorpusImporter* importer_;
  CordisReport report_;
  std::unordered_map<std::string, Org> orgs_;          // by PIC
  std::unordered_map<std::string, Project> projects_;  // by rcn
  std::unordered_set<std::string> later_projects_;
  std::unordered_map<std::string, std::vector<std::string>> members_;
};

absl::Status CordisExportReader::ReadOrganizations() {
  std::vector<std::string> f;
  absl::Status row_error;
  const std::string path = dir_ + "/organizations.csv";
  std::ifstream in;
  CsvReader* csv;
  std::unique_ptr<CsvReader> owner;
  if (auto s =
          OpenCsv(path, &in, &csv, &owner, {"pic", "type", "country", "name"});
      !s.ok()) {
    return s;
  }
  const int pic = csv->Column("pic"), type = csv->Column("type"),
            country = csv->Column("country"), name = csv->Column("name");
  while (csv->Next(&f, &row_error)) {
    if (!row_error.ok()) {
      BadRow(path, csv->line(), row_error.message());
      continue;
    }
    v1::Record record;
    auto* org = record.mutable_organization();
    org->set_id("pic:" + f[pic]);
    const std::string& t = f[type];
    Org entry;
    if (t == "HES") {
      org->set_kind(v1::ORGANIZATION_KIND_UNIVERSITY);
      entry.type = 'H';
    } else if (t == "REC") {
      org->set_kind(v1::ORGANIZATION_KIND_RESEARCH_INSTITUTE);
      entry.type = 'R';
    } else if (t == "PRC") {
      org->set_kind(v1::ORGANIZATION_KIND_FIRM);
      entry.type = 'P';
    } else {
      org->set_kind(v1::ORGANIZATION_KIND_OTHER);
    }
    org->set_country(f[country]);
    if (f[name].empty()) {
      org->set_name(absl::StrCat("PIC ", f[pic], " (name not published)"));
      ++report_.organizations_without_name;
    } else {
      org->set_name(f[name]);
    }
    if (auto s = ValidateRecord(record); !s.ok()) {
      importer_->Reject(path, csv->line(), org->id(), s.message());
      ++report_.skipped["invalid organization"];
      continue;
    }
    orgs_[f[pic]] = entry;
    importer_->Add(path, csv->line(), std::move(record));
    ++report_.organizations;
  }
  return absl::OkStatus();
}

absl::Status CordisExportReader::ReadProjects() {
  std::vector<std::string> f;
  absl::Status row_error;
  const std::string path = dir_ + "/projects.csv";
  std::ifstream in;
  CsvReader* csv;
  std::unique_ptr<CsvReader> owner;
  if (auto s = OpenCsv(
          path, &in, &csv, &owner,
          {"rcn", "start_year", "end_year", "acronym", "title", "topic_title"});
      !s.ok()) {
    return s;
  }
  const int rcn = csv->Column("rcn"), start = csv->Column("start_year"),
            end = csv->Column("end_year"), acronym = csv->Column("acronym"),
            title = csv->Column("title"), topic = csv->Column("topic_title"),
            programme_part = csv->Column("programme_part"),
            topic_code = csv->Column("topic_code");
  while (csv->Next(&f, &row_error)) {
    if (!row_error.ok()) {
      BadRow(path, csv->line(), row_error.message());
      continue;
    }
    Project p;
    if (!absl::SimpleAtoi(f[start], &p.start_year)) {
      BadRow(path, csv->line(),
             absl::StrCat("start_year '", f[start], "' is not a year"));
      continue;
    }
    if (!absl::SimpleAtoi(f[end], &p.end_year)) p.end_year = p.start_year;
    if (options_.until_year > 0 && p.start_year > options_.until_year) {
      ++report_.skipped["project after --until-year"];
      later_projects_.insert(f[rcn]);
      continue;
    }
    p.acronym = f[acronym];
    p.title = f[title];
    p.topic_title = f[topic];
    if (programme_part >= 0) p.programme_part = f[programme_part];
    if (topic_code >= 0) p.topic_code = f[topic_code];
    ++report_.projects;
    projects_.emplace(f[rcn], std::move(p));
  }
  return absl::OkStatus();
}

absl::Status CordisExportReader::ReadParticipations() {
  std::vector<std::string> f;
  absl::Status row_error;
  const std::string path = dir_ + "/participations.csv";
  std::ifstream in;
  CsvReader* csv;
  std::unique_ptr<CsvReader> owner;
  if (auto s = OpenCsv(path, &in, &csv, &owner, {"rcn", "pic"}); !s.ok()) {
    return s;
  }
  const int rcn = csv->Column("rcn"), pic = csv->Column("pic");
  while (csv->Next(&f, &row_error)) {
    if (!row_error.ok()) {
      BadRow(path, csv->line(), row_error.message());
      continue;
    }
    const auto project = projects_.find(f[rcn]);
    if (project == projects_.end()) {
      ++report_.skipped[later_projects_.count(f[rcn])
                            ? "participation in a project after --until-year"
                            : "participation in an unknown project"];
      continue;
    }
    const auto org = orgs_.find(f[pic]);
    if (org == orgs_.end()) {
      ++report_.skipped["participation of unknown organization"];
      continue;
    }
    auto& list = members_[f[rcn]];
    if (std::find(list.begin(), list.end(), f[pic]) != list.end()) {
      ++report_.skipped["duplicate participation"];
      continue;
    }
    list.push_back(f[pic]);
    if (!org->second.research()) continue;
    const Project& p = project->second;
    if (p.title.empty()) {
      ++report_.skipped
            ["research participation in a project without title "
             "(unmapped)"];
      continue;
    }
    v1::Record record;
    auto* cap = record.mutable_capability();
    cap->set_id(absl::StrCat("cap:", f[pic], ":", f[rcn]));
    cap->set_organization_id("pic:" + f[pic]);
    cap->set_title(p.title.substr(0, kMaxTitleBytes));
    cap->set_description(p.topic_title.substr(0, kMaxDescriptionBytes));
    cap->set_year(p.start_year);
    if (!p.programme_part.empty() || !p.topic_code.empty()) {
      cap->mutable_funding_call()->set_programme(
          p.programme_part.substr(0, kMaxFundingCallBytes));
      cap->mutable_funding_call()->set_topic(
          p.topic_code.substr(0, kMaxFundingCallBytes));
    }
    cap->set_reference(absl::StrCat("project ",
                                    p.acronym.empty() ? f[rcn] : p.acronym,
                                    " (", p.start_year, ")"));
    if (auto s = ValidateRecord(record); !s.ok()) {
      importer_->Reject(path, csv->line(), cap->id(), s.message());
      ++report_.skipped["invalid capability"];
      continue;
    }
    importer_->Add(path, csv->line(), std::move(record));
    ++report_.capabilities;
  }
  return absl::OkStatus();
}

void CordisExportReader::QueueTies() {
  std::vector<std::string> rcns;
  rcns.reserve(members_.size());
  for (const auto& [rcn, list] : members_) rcns.push_back(rcn);
  std::sort(rcns.begin(), rcns.end());
  for (const std::string& rcn : rcns) {
    auto& list = members_[rcn];
    if (static_cast<int>(list.size()) > options_.max_consortium_for_ties) {
      ++report_.skipped["consortium too large for ties"];
      continue;
    }
    std::sort(list.begin(), list.end());
    const Project& p = projects_.at(rcn);
    const bool finished =
        options_.until_year > 0 && p.end_year <= options_.until_year;
    for (size_t i = 0; i < list.size(); ++i) {
      for (size_t j = i + 1; j < list.size(); ++j) {
        const Org& a = orgs_.at(list[i]);
        const Org& b = orgs_.at(list[j]);
        const bool firm_research =
            (a.type == 'P' && b.research()) || (b.type == 'P' && a.research());
        if (!firm_research && !(a.research() && b.research())) continue;
        v1::Record record;
        auto* tie = record.mutable_tie();
        tie->set_id(absl::StrCat("tie:", rcn, ":", list[i], ":", list[j]));
        tie->set_organization_a("pic:" + list[i]);
        tie->set_organization_b("pic:" + list[j]);
        tie->set_channel(v1::CHANNEL_JOINT_RESEARCH);
        tie->set_year(p.start_year);
        tie->set_outcome(finished ? v1::TIE_OUTCOME_COMPLETED
                                  : v1::TIE_OUTCOME_ONGOING);
        tie->set_reference(absl::StrCat(
            "project ", p.acronym.empty() ? rcn : p.acronym, " (", p.start_year,
            ")", p.title.empty() ? "" : ": ", p.title.substr(0, 200)));
        importer_->Add("participations.csv", 0, std::move(record));
        ++report_.ties;
      }
    }
  }
}

}  // namespace

absl::StatusOr<CordisReport> QueueCordisExport(
    const std::string& dir, const CordisImportOptions& options,
    CorpusImporter* importer) {
  CordisExportReader reader(dir, options, importer);
  if (auto s = reader.ReadOrganizations(); !s.ok()) return s;
  if (auto s = reader.ReadProjects(); !s.ok()) return s;
  if (auto s = reader.ReadParticipations(); !s.ok()) return s;
  reader.QueueTies();
  return std::move(reader.report());
}

}  // namespace helixmatch
