#include "bench/cordis_queries.h"

#include <fstream>
#include <functional>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "indexer/csv_reader.h"

namespace helixmatch::bench {
namespace {

using Row =
    std::function<void(const std::vector<std::string>&, const CsvReader&)>;

// Calls `row` for every well-formed row of the CSV file at `path`.
absl::Status ReadCsv(const std::string& path,
                     const std::vector<std::string>& columns, const Row& row) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  CsvReader csv(in);
  if (auto s = csv.ReadHeader(columns); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", s.message()));
  }
  std::vector<std::string> f;
  absl::Status error;
  while (csv.Next(&f, &error)) {
    if (error.ok()) row(f, csv);
  }
  return absl::OkStatus();
}

struct Project {
  int year = 0;
  std::string text;  // empty: no title
  std::string programme, topic;
  std::vector<std::string> hes, prc;
};

}  // namespace

absl::StatusOr<std::vector<CordisQuery>> LoadCordisQueries(
    const std::string& data_dir, int profiles_until, int queries_from,
    int queries_until) {
  std::unordered_map<std::string, std::string> type_of;
  auto s = ReadCsv(data_dir + "/organizations.csv", {"pic", "type"},
                   [&](const auto& f, const auto& csv) {
                     type_of[f[csv.Column("pic")]] = f[csv.Column("type")];
                   });
  if (!s.ok()) return s;
  std::map<std::string, Project> projects;  // ordered: deterministic
  s = ReadCsv(data_dir + "/projects.csv",
              {"rcn", "start_year", "title", "topic_title"},
              [&](const auto& f, const auto& csv) {
                Project p;
                if (!absl::SimpleAtoi(f[csv.Column("start_year")], &p.year)) {
                  return;
                }
                const auto& title = f[csv.Column("title")];
                if (!title.empty()) {
                  p.text = title + ". " + f[csv.Column("topic_title")];
                }
                if (const int c = csv.Column("programme_part"); c >= 0) {
                  p.programme = f[c];
                }
                if (const int c = csv.Column("topic_code"); c >= 0) {
                  p.topic = f[c];
                }
                projects[f[csv.Column("rcn")]] = std::move(p);
              });
  if (!s.ok()) return s;
  s = ReadCsv(data_dir + "/participations.csv", {"rcn", "pic"},
              [&](const auto& f, const auto& csv) {
                auto it = projects.find(f[csv.Column("rcn")]);
                if (it == projects.end()) return;
                const std::string& pic = f[csv.Column("pic")];
                const std::string& type = type_of[pic];
                if (type == "HES") it->second.hes.push_back(pic);
                if (type == "PRC") it->second.prc.push_back(pic);
              });
  if (!s.ok()) return s;
  // Firms with an earlier university tie: co-participation up to the
  // profiles year in any project (with or without title).
  std::unordered_set<std::string> tied_firms;
  for (const auto& [rcn, p] : projects) {
    if (p.year > profiles_until || p.hes.empty()) continue;
    tied_firms.insert(p.prc.begin(), p.prc.end());
  }
  std::vector<CordisQuery> queries;
  for (const auto& [rcn, p] : projects) {
    if (p.year < queries_from || p.year > queries_until) continue;
    if (p.text.empty() || p.hes.empty() || p.prc.empty()) continue;
    std::set<std::string> relevant;
    for (const auto& pic : p.hes) relevant.insert("pic:" + pic);
    for (const auto& firm : p.prc) {
      queries.push_back({"pic:" + firm, p.text, relevant,
                         tied_firms.count(firm) > 0, p.programme, p.topic});
    }
  }
  return queries;
}

}  // namespace helixmatch::bench
