// load_generator: closed-loop gRPC load on helixmatch-server's Recommend
// and, in the same run, on the anchor (bench/anchor_server.cc: a bare
// HNSW search behind one unary call), with the same query texts and the
// same number of requests in flight.
//
//   build/bench/load_generator --server 127.0.0.1:PORT --anchor 127.0.0.1:PORT
//       [--cordis ../shared/data/cordis-h2020] [--in-flight 1,8,32]
//       [--warmup-seconds 2] [--seconds 10] [--runs 3]
//
// Queries: with --cordis, every project starting in --query-year (2019)
// with a title and a private company (PRC) among its participants, as a
// company's need: "title. topic title", DIRECTION_NEED_TO_CAPABILITIES,
// k=10, requester "pic:<PIC>" of one of those companies (the ids
// helixmatch-indexer import-cordis gives); with --with-call also the
// project's funding call, so that the learned ranker ranks them (without
// a call the weighted sum does). Without --cordis, synthetic texts of
// 20 domain words and firms of the synthetic corpus (bench/synthetic_text.h)
// as requesters.
//
// Each configuration (in flight x requester x explanations; the anchor per
// in-flight count) runs --warmup-seconds, then --seconds measured:
// requests per second and latency percentiles of the calls completed in
// the measured window. N requests in flight are spread over
// min(N, --channels) channels (separate HTTP/2 connections) and
// min(N, --threads) completion-queue threads; every completion issues the
// next request at once. Requests are serialized once up front and
// responses are not parsed (a generic stub), so the client spends little
// CPU of the machine it shares with the servers. A configuration where
// any call fails is reported with its first error and exits 1 at the end.
// With --server-pid / --anchor-pid it also reports each server's CPU time
// (user + system, from /proc) per request in the measured window, which
// other work on a shared machine disturbs less than requests per second.
//
// The table (medians of --runs) goes to stdout; the last line is one JSON
// object for the 8-in-flight company query with requester and
// explanations (or the --json-in-flight count).
#include <google/protobuf/message.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "bench/anchor.grpc.pb.h"
#include "bench/synthetic_text.h"
#include "helixmatch/v1/matching.grpc.pb.h"
#include "indexer/csv_reader.h"

namespace helixmatch::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kRecommendMethod[] = "/helixmatch.v1.MatchService/Recommend";
constexpr char kSearchMethod[] = "/helixmatch.bench.AnchorService/Search";
constexpr int kMaxMessageBytes = 8 * 1024 * 1024;

// A company's need as free text and the company that asks.
struct NeedQuery {
  std::string text;
  std::string requester;  // organization id
  v1::FundingCall call;   // empty unless --with-call
};

bool ReadCsv(const std::string& path, const std::vector<std::string>& columns,
             const std::function<void(const std::vector<std::string>&,
                                      const CsvReader&)>& row) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "load_generator: cannot open %s\n", path.c_str());
    return false;
  }
  CsvReader csv(in);
  if (auto s = csv.ReadHeader(columns); !s.ok()) {
    std::fprintf(stderr, "load_generator: %s: %s\n", path.c_str(),
                 std::string(s.message()).c_str());
    return false;
  }
  std::vector<std::string> f;
  absl::Status error;
  while (csv.Next(&f, &error)) {
    if (error.ok()) row(f, csv);
  }
  return true;
}

// Projects of `year` with a title and at least one PRC participant; the
// requester is one of those participants, drawn with a fixed seed.
// Shuffled (fixed seed) so neighbouring requests are unrelated.
bool CordisQueries(const std::string& dir, int year, bool with_call,
                   std::vector<NeedQuery>* queries) {
  std::unordered_set<std::string> companies;
  if (!ReadCsv(dir + "/organizations.csv", {"pic", "type"},
               [&](const auto& f, const auto& csv) {
                 if (f[csv.Column("type")] == "PRC") {
                   companies.insert(f[csv.Column("pic")]);
                 }
               })) {
    return false;
  }
  std::map<std::string, std::string> text_of;  // rcn -> text; ordered
  std::unordered_map<std::string, v1::FundingCall> call_of;
  if (!ReadCsv(
          dir + "/projects.csv", {"rcn", "start_year", "title", "topic_title"},
          [&](const auto& f, const auto& csv) {
            int start_year = 0;
            if (!absl::SimpleAtoi(f[csv.Column("start_year")], &start_year) ||
                start_year != year) {
              return;
            }
            const auto& title = f[csv.Column("title")];
            if (title.empty()) return;
            const auto& rcn = f[csv.Column("rcn")];
            text_of[rcn] = title + ". " + f[csv.Column("topic_title")];
            if (!with_call) return;
            v1::FundingCall& call = call_of[rcn];
            if (const int c = csv.Column("programme_part"); c >= 0) {
              call.set_programme(f[static_cast<size_t>(c)]);
            }
            if (const int c = csv.Column("topic_code"); c >= 0) {
              call.set_topic(f[static_cast<size_t>(c)]);
            }
          })) {
    return false;
  }
  std::unordered_map<std::string, std::vector<std::string>> companies_of;
  if (!ReadCsv(dir + "/participations.csv", {"rcn", "pic"},
               [&](const auto& f, const auto& csv) {
                 const auto& rcn = f[csv.Column("rcn")];
                 const auto& pic = f[csv.Column("pic")];
                 if (text_of.contains(rcn) && companies.contains(pic)) {
                   companies_of[rcn].push_back(pic);
                 }
               })) {
    return false;
  }
  std::mt19937 rng(2019);
  for (const auto& [rcn, text] : text_of) {
    auto it = companies_of.find(rcn);
    if (it == companies_of.end()) continue;
    std::uniform_int_distribution<size_t> pick(0, it->second.size() - 1);
    queries->push_back({text, "pic:" + it->second[pick(rng)], call_of[rcn]});
  }
  std::shuffle(queries->begin(), queries->end(), rng);
  return true;
}

std::vector<NeedQuery> SyntheticQueries(int count, int organizations) {
  std::mt19937 rng(2025);
  std::uniform_int_distribution<int> firm(0, organizations / 2 - 1);
  std::vector<NeedQuery> queries;
  for (int i = 0; i < count; ++i) {
    queries.push_back({SyntheticText(rng, 20),
                       SyntheticOrganizationId(firm(rng) * 2 + 1),
                       {}});
  }
  return queries;
}

grpc::Slice Serialize(const google::protobuf::Message& message) {
  return grpc::Slice(message.SerializeAsString());
}

std::vector<grpc::Slice> RecommendRequests(
    const std::vector<NeedQuery>& queries, int k, bool requester,
    bool explanations) {
  std::vector<grpc::Slice> requests;
  for (const auto& q : queries) {
    v1::RecommendRequest request;
    request.set_text(q.text);
    request.set_direction(v1::DIRECTION_NEED_TO_CAPABILITIES);
    request.set_k(k);
    if (requester) request.set_requester_organization_id(q.requester);
    if (q.call.ByteSizeLong() > 0) *request.mutable_funding_call() = q.call;
    request.set_omit_explanations(!explanations);
    requests.push_back(Serialize(request));
  }
  return requests;
}

std::vector<grpc::Slice> SearchRequests(const std::vector<NeedQuery>& queries,
                                        int k) {
  std::vector<grpc::Slice> requests;
  for (const auto& q : queries) {
    SearchRequest request;
    request.set_text(q.text);
    request.set_k(k);
    requests.push_back(Serialize(request));
  }
  return requests;
}

// A gRPC message on the wire: 1 byte "not compressed", 4 bytes big-endian
// length, the serialized message (what h2load must send as the body).
std::string GrpcFrame(const grpc::Slice& message) {
  std::string frame(5, '\0');
  const uint32_t n = static_cast<uint32_t>(message.size());
  frame[1] = static_cast<char>(n >> 24);
  frame[2] = static_cast<char>(n >> 16);
  frame[3] = static_cast<char>(n >> 8);
  frame[4] = static_cast<char>(n);
  frame.append(reinterpret_cast<const char*>(message.begin()), message.size());
  return frame;
}

struct LoadResult {
  double rps = 0;
  double mean = 0, p50 = 0, p90 = 0, p99 = 0, p999 = 0;  // ms
  int64_t completed = 0;
  int64_t errors = 0;
  double mean_response_bytes = 0;
  std::string first_error;
  // CPU time per completed request in the measured window (user + system),
  // ms: of the server process (0 without its pid) and of this client.
  double server_cpu_ms = 0, client_cpu_ms = 0;
};

// CPU time (user + system) of a process so far, seconds; 0 when unknown.
double ProcessCpuSeconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  // The command name (field 2) may hold spaces: count from its ')'.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::strtod(field.c_str(), nullptr);
    if (i == 15) stime = std::strtod(field.c_str(), nullptr);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double SelfCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Closed-loop load on one method: `in_flight` calls always outstanding
// until the end of the measured window.
class LoadRun {
 public:
  LoadRun(const std::vector<std::unique_ptr<grpc::GenericStub>>& stubs,
          std::string method, const std::vector<grpc::Slice>& requests,
          int in_flight, int threads, int server_pid)
      : stubs_(stubs),
        method_(std::move(method)),
        requests_(requests),
        in_flight_(in_flight),
        threads_(std::max(1, std::min(threads, in_flight))),
        server_pid_(server_pid) {}

  LoadResult Run(double warmup_seconds, double seconds) {
    const auto t0 = Clock::now();
    warm_end_ = t0 + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(warmup_seconds));
    end_ = warm_end_ + std::chrono::duration_cast<Clock::duration>(
                           std::chrono::duration<double>(seconds));
    std::vector<Worker> workers(threads_);
    std::vector<std::thread> running;
    for (int w = 0; w < threads_; ++w) {
      running.emplace_back([this, w, &workers] { Drive(w, &workers[w]); });
    }
    std::this_thread::sleep_until(warm_end_);
    const double server_cpu0 =
        server_pid_ > 0 ? ProcessCpuSeconds(server_pid_) : 0;
    const double client_cpu0 = SelfCpuSeconds();
    std::this_thread::sleep_until(end_);
    const double server_cpu =
        server_pid_ > 0 ? ProcessCpuSeconds(server_pid_) - server_cpu0 : 0;
    const double client_cpu = SelfCpuSeconds() - client_cpu0;
    for (auto& t : running) t.join();
    LoadResult result;
    std::vector<double> ms;
    int64_t bytes = 0;
    for (auto& w : workers) {
      ms.insert(ms.end(), w.latencies_ms.begin(), w.latencies_ms.end());
      result.errors += w.errors;
      bytes += w.response_bytes;
      if (result.first_error.empty()) result.first_error = w.first_error;
    }
    std::sort(ms.begin(), ms.end());
    result.completed = static_cast<int64_t>(ms.size());
    result.rps = static_cast<double>(ms.size()) / seconds;
    const auto at = [&ms](double q) {
      if (ms.empty()) return 0.0;
      const size_t i = static_cast<size_t>(q * static_cast<double>(ms.size()));
      return ms[std::min(i, ms.size() - 1)];
    };
    result.p50 = at(0.50);
    result.p90 = at(0.90);
    result.p99 = at(0.99);
    result.p999 = at(0.999);
    if (!ms.empty()) {
      double sum = 0;
      for (double v : ms) sum += v;
      result.mean = sum / static_cast<double>(ms.size());
      result.server_cpu_ms = server_cpu * 1000 / static_cast<double>(ms.size());
      result.client_cpu_ms = client_cpu * 1000 / static_cast<double>(ms.size());
      result.mean_response_bytes =
          static_cast<double>(bytes) / static_cast<double>(ms.size());
    }
    return result;
  }

 private:
  struct Call {
    int slot = 0;
    Clock::time_point start;
    grpc::ClientContext context;
    grpc::ByteBuffer response;
    grpc::Status status;
    std::unique_ptr<grpc::GenericClientAsyncResponseReader> reader;
  };
  struct Worker {
    grpc::CompletionQueue cq;
    std::vector<double> latencies_ms;
    int64_t errors = 0;
    int64_t response_bytes = 0;
    std::string first_error;
  };

  void Issue(int slot, Worker* worker) {
    auto* call = new Call;
    call->slot = slot;
    call->context.set_deadline(std::chrono::system_clock::now() +
                               std::chrono::seconds(60));
    const size_t i =
        next_query_.fetch_add(1, std::memory_order_relaxed) % requests_.size();
    grpc::ByteBuffer request(&requests_[i], 1);
    call->start = Clock::now();
    call->reader = stubs_[slot % stubs_.size()]->PrepareUnaryCall(
        &call->context, method_, request, &worker->cq);
    call->reader->StartCall();
    call->reader->Finish(&call->response, &call->status, call);
  }

  // Worker w owns the slots s with s % threads_ == w and their completions.
  void Drive(int w, Worker* worker) {
    int outstanding = 0;
    for (int slot = w; slot < in_flight_; slot += threads_) {
      Issue(slot, worker);
      ++outstanding;
    }
    void* tag = nullptr;
    bool ok = false;
    while (outstanding > 0 && worker->cq.Next(&tag, &ok)) {
      --outstanding;
      std::unique_ptr<Call> call(static_cast<Call*>(tag));
      const auto now = Clock::now();
      if (!ok || !call->status.ok()) {
        ++worker->errors;
        if (worker->first_error.empty()) {
          worker->first_error =
              absl::StrCat("code ", call->status.error_code(), ": ",
                           call->status.error_message());
        }
      } else if (now >= warm_end_ && now <= end_) {
        worker->latencies_ms.push_back(
            std::chrono::duration<double, std::milli>(now - call->start)
                .count());
        worker->response_bytes += static_cast<int64_t>(call->response.Length());
      }
      if (now < end_) {
        Issue(call->slot, worker);
        ++outstanding;
      }
    }
    worker->cq.Shutdown();
    while (worker->cq.Next(&tag, &ok)) {
    }
  }

  const std::vector<std::unique_ptr<grpc::GenericStub>>& stubs_;
  const std::string method_;
  const std::vector<grpc::Slice>& requests_;
  const int in_flight_;
  const int threads_;
  const int server_pid_;
  Clock::time_point warm_end_, end_;
  std::atomic<size_t> next_query_{0};
};

std::vector<std::unique_ptr<grpc::GenericStub>> Connect(
    const std::string& address, int channels,
    std::vector<std::shared_ptr<grpc::Channel>>* kept) {
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs;
  for (int c = 0; c < channels; ++c) {
    grpc::ChannelArguments args;
    // Its own subchannel, hence its own TCP connection, per channel.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetMaxReceiveMessageSize(kMaxMessageBytes);
    auto channel = grpc::CreateCustomChannel(
        address, grpc::InsecureChannelCredentials(), args);
    if (!channel->WaitForConnected(std::chrono::system_clock::now() +
                                   std::chrono::seconds(30))) {
      std::fprintf(stderr, "load_generator: cannot connect to %s\n",
                   address.c_str());
      std::exit(1);
    }
    stubs.push_back(std::make_unique<grpc::GenericStub>(channel));
    kept->push_back(std::move(channel));
  }
  return stubs;
}

// Resident and peak resident memory of a process, MiB (0 when unknown).
std::pair<double, double> ResidentMib(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  double rss = 0, hwm = 0;
  while (std::getline(in, line)) {
    double kib = 0;
    if (line.rfind("VmRSS:", 0) == 0 &&
        std::sscanf(line.c_str() + 6, "%lf", &kib) == 1) {
      rss = kib / 1024;
    } else if (line.rfind("VmHWM:", 0) == 0 &&
               std::sscanf(line.c_str() + 6, "%lf", &kib) == 1) {
      hwm = kib / 1024;
    }
  }
  return {rss, hwm};
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct Config {
  int in_flight = 1;
  bool anchor = false;
  bool requester = false;
  bool explanations = false;

  std::string Name() const {
    if (anchor) return absl::StrCat("anchor in_flight=", in_flight);
    return absl::StrCat("helixmatch in_flight=", in_flight,
                        " requester=", requester ? "yes" : "no",
                        " explanations=", explanations ? "yes" : "no");
  }
};

struct ConfigRuns {
  Config config;
  std::vector<LoadResult> runs;

  double MedianOf(double LoadResult::*field) const {
    std::vector<double> v;
    for (const auto& r : runs) v.push_back(r.*field);
    return Median(v);
  }
  std::string RpsList() const {
    std::vector<std::string> v;
    for (const auto& r : runs) v.push_back(absl::StrFormat("%.0f", r.rps));
    return absl::StrJoin(v, ", ");
  }
};

// One synchronous call per request kind, parsed, so a benchmark of error
// answers or empty lists is caught before it is timed.
bool CheckAnswers(const std::string& server, const std::string& anchor,
                  const std::vector<NeedQuery>& queries, int k,
                  std::string* profiles) {
  auto channel =
      grpc::CreateChannel(server, grpc::InsecureChannelCredentials());
  auto stub = v1::MatchService::NewStub(channel);
  {
    grpc::ClientContext context;
    v1::StatsResponse stats;
    const auto status = stub->Stats(&context, v1::StatsRequest(), &stats);
    if (!status.ok()) {
      std::fprintf(stderr, "load_generator: Stats: %s\n",
                   status.error_message().c_str());
      return false;
    }
    *profiles = std::to_string(stats.capabilities());
    std::printf(
        "server: %lld organizations, %lld capabilities, %lld ties; "
        "capability index %s; model %s\n",
        static_cast<long long>(stats.organizations()),
        static_cast<long long>(stats.capabilities()),
        static_cast<long long>(stats.ties()), stats.capability_index().c_str(),
        stats.model().c_str());
  }
  // Every variant on up to kChecked queries: all must answer; the mean
  // candidate profiles considered and answer size describe the work.
  constexpr size_t kChecked = 20;
  const size_t checked = std::min(kChecked, queries.size());
  for (const bool requester : {false, true}) {
    for (const bool explanations : {false, true}) {
      double candidates = 0, bytes = 0;
      for (size_t i = 0; i < checked; ++i) {
        v1::RecommendRequest request;
        request.set_text(queries[i].text);
        request.set_direction(v1::DIRECTION_NEED_TO_CAPABILITIES);
        request.set_k(k);
        if (requester) {
          request.set_requester_organization_id(queries[i].requester);
        }
        if (queries[i].call.ByteSizeLong() > 0) {
          *request.mutable_funding_call() = queries[i].call;
        }
        request.set_omit_explanations(!explanations);
        grpc::ClientContext context;
        v1::RecommendResponse response;
        const auto status = stub->Recommend(&context, request, &response);
        if (!status.ok() || response.suggestions_size() == 0 ||
            (explanations && response.suggestions(0).barriers_size() == 0)) {
          std::fprintf(stderr,
                       "load_generator: Recommend \"%s\" (requester '%s') "
                       "answered code %d '%s' with %d suggestions\n",
                       request.text().c_str(),
                       request.requester_organization_id().c_str(),
                       status.error_code(), status.error_message().c_str(),
                       response.suggestions_size());
          return false;
        }
        candidates += response.candidates_considered();
        bytes += static_cast<double>(response.ByteSizeLong());
      }
      std::printf(
          "check: requester=%s explanations=%s: %zu queries answered; mean "
          "%.0f candidate profiles considered, %.0f bytes per answer\n",
          requester ? "yes" : "no", explanations ? "yes" : "no", checked,
          candidates / static_cast<double>(checked),
          bytes / static_cast<double>(checked));
    }
  }
  if (!anchor.empty()) {
    auto anchor_stub = AnchorService::NewStub(
        grpc::CreateChannel(anchor, grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    SearchRequest request;
    request.set_text(queries[0].text);
    request.set_k(k);
    SearchResponse response;
    const auto status = anchor_stub->Search(&context, request, &response);
    if (!status.ok() || response.ids_size() != k) {
      std::fprintf(stderr, "load_generator: anchor Search: code %d '%s'\n",
                   status.error_code(), status.error_message().c_str());
      return false;
    }
    std::printf("check: anchor: %d ids, best %s (%.3f), %zu bytes\n",
                response.ids_size(), response.ids(0).c_str(),
                response.scores(0), response.ByteSizeLong());
  }
  return true;
}

}  // namespace
}  // namespace helixmatch::bench

int main(int argc, char** argv) {
  using namespace helixmatch::bench;
  CLI::App app{
      "Closed-loop gRPC load on helixmatch-server's Recommend and on the "
      "HNSW anchor"};
  std::string server, anchor, cordis, frames_dir;
  int query_year = 2019, synthetic_queries = 2000, organizations = 5000;
  int k = 10, channels = 4, threads = 2, runs = 3, json_in_flight = 8;
  int query_limit = 0, server_pid = 0, anchor_pid = 0;
  std::string requester_variants = "both", explanation_variants = "both";
  bool with_call = false;
  double warmup_seconds = 2, seconds = 10;
  std::vector<int> in_flights = {1, 8, 32};
  std::vector<std::string> report_fields;
  app.add_option("--server", server, "helixmatch-server host:port")->required();
  app.add_option("--anchor", anchor, "anchor_server host:port (optional)");
  app.add_option("--cordis", cordis,
                 "CORDIS H2020 export folder (projects.csv, "
                 "participations.csv, organizations.csv); without it, "
                 "synthetic queries");
  app.add_option("--query-year", query_year, "CORDIS projects of this year")
      ->capture_default_str();
  app.add_option("--synthetic-queries", synthetic_queries)
      ->capture_default_str();
  app.add_option("--synthetic-organizations", organizations,
                 "Organizations of the synthetic corpus (requesters)")
      ->capture_default_str();
  app.add_option("--query-limit", query_limit,
                 "Use only the first N queries (0: all)");
  app.add_option("-k", k)->capture_default_str()->check(CLI::Range(1, 100));
  app.add_option("--in-flight", in_flights, "Requests in flight")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--channels", channels, "Channels (connections) at most")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_option("--threads", threads, "Completion-queue threads at most")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_option("--warmup-seconds", warmup_seconds)->capture_default_str();
  app.add_option("--seconds", seconds, "Measured seconds per configuration")
      ->capture_default_str();
  app.add_option("--runs", runs, "Runs of every configuration (medians)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  app.add_option("--json-in-flight", json_in_flight,
                 "In-flight count of the JSON line")
      ->capture_default_str();
  app.add_flag("--with-call", with_call,
               "CORDIS queries name their project's funding call (programme "
               "part and topic): the learned ranker ranks them");
  app.add_option("--requester", requester_variants,
                 "Recommend with a requester: yes, no or both")
      ->check(CLI::IsMember({"yes", "no", "both"}))
      ->capture_default_str();
  app.add_option("--explanations", explanation_variants,
                 "Recommend with explanations: yes, no or both")
      ->check(CLI::IsMember({"yes", "no", "both"}))
      ->capture_default_str();
  app.add_option("--server-pid", server_pid, "Report this process's RSS");
  app.add_option("--anchor-pid", anchor_pid, "Report this process's RSS");
  app.add_option("--report-field", report_fields,
                 "KEY=VALUE added to the JSON line (VALUE verbatim JSON)");
  app.add_option("--write-frames", frames_dir,
                 "Write the gRPC frames of the first query (for h2load) to "
                 "this folder and exit");
  CLI11_PARSE(app, argc, argv);

  std::vector<NeedQuery> queries;
  std::string query_source;
  if (!cordis.empty()) {
    if (!CordisQueries(cordis, query_year, with_call, &queries)) return 1;
    query_source = absl::StrCat("CORDIS ", query_year,
                                " projects with a company (title. topic)");
  } else {
    queries = SyntheticQueries(synthetic_queries, organizations);
    query_source = "synthetic 20-word texts";
  }
  if (query_limit > 0 && static_cast<int>(queries.size()) > query_limit) {
    queries.resize(query_limit);
  }
  if (queries.empty()) {
    std::fprintf(stderr, "load_generator: no queries\n");
    return 1;
  }
  std::printf("queries: %zu %s; first: \"%s\" asked by %s\n", queries.size(),
              query_source.c_str(), queries[0].text.c_str(),
              queries[0].requester.c_str());

  if (!frames_dir.empty()) {
    std::filesystem::create_directories(frames_dir);
    const auto write = [&](const std::string& name, const grpc::Slice& m) {
      std::ofstream(frames_dir + "/" + name, std::ios::binary) << GrpcFrame(m);
    };
    write("recommend.frame", RecommendRequests(queries, k, true, true)[0]);
    write("recommend-bare.frame",
          RecommendRequests(queries, k, false, false)[0]);
    write("search.frame", SearchRequests(queries, k)[0]);
    std::printf("frames written to %s\n", frames_dir.c_str());
    return 0;
  }

  std::string profiles;
  if (!CheckAnswers(server, anchor, queries, k, &profiles)) return 1;

  std::map<std::pair<bool, bool>, std::vector<grpc::Slice>> recommend;
  for (const bool requester : {false, true}) {
    for (const bool explanations : {false, true}) {
      recommend[{requester, explanations}] =
          RecommendRequests(queries, k, requester, explanations);
    }
  }
  const auto search = SearchRequests(queries, k);
  const int max_in_flight =
      *std::max_element(in_flights.begin(), in_flights.end());
  std::vector<std::shared_ptr<grpc::Channel>> kept;
  const auto server_stubs =
      Connect(server, std::min(channels, max_in_flight), &kept);
  std::vector<std::unique_ptr<grpc::GenericStub>> anchor_stubs;
  if (!anchor.empty()) {
    anchor_stubs = Connect(anchor, std::min(channels, max_in_flight), &kept);
  }

  // Per in-flight count the anchor first, then the four helixmatch
  // variants, so each ratio compares neighbours in time.
  std::vector<ConfigRuns> results;
  for (int in_flight : in_flights) {
    if (!anchor.empty())
      results.push_back({{in_flight, true, false, false}, {}});
    for (const bool requester : {true, false}) {
      for (const bool explanations : {true, false}) {
        if (requester_variants != "both" &&
            requester != (requester_variants == "yes")) {
          continue;
        }
        if (explanation_variants != "both" &&
            explanations != (explanation_variants == "yes")) {
          continue;
        }
        results.push_back({{in_flight, false, requester, explanations}, {}});
      }
    }
  }
  double rss_after_warmup = -1;
  bool failed = false;
  for (int run = 1; run <= runs; ++run) {
    for (auto& cr : results) {
      const Config& c = cr.config;
      const auto& requests =
          c.anchor ? search : recommend[{c.requester, c.explanations}];
      const auto& stubs = c.anchor ? anchor_stubs : server_stubs;
      LoadRun load(stubs, c.anchor ? kSearchMethod : kRecommendMethod, requests,
                   c.in_flight, threads, c.anchor ? anchor_pid : server_pid);
      LoadResult r = load.Run(warmup_seconds, seconds);
      if (rss_after_warmup < 0 && !c.anchor && server_pid > 0) {
        rss_after_warmup = ResidentMib(server_pid).first;
      }
      std::printf(
          "run %d %-52s %9.1f req/s  mean %8.3f  p50 %8.3f  p90 %8.3f  "
          "p99 %8.3f  p99.9 %8.3f ms  n=%lld  %.0f B/answer  CPU/req "
          "server %.3f client %.3f ms%s%s\n",
          run, c.Name().c_str(), r.rps, r.mean, r.p50, r.p90, r.p99, r.p999,
          static_cast<long long>(r.completed), r.mean_response_bytes,
          r.server_cpu_ms, r.client_cpu_ms, r.errors ? "  ERRORS: " : "",
          r.errors ? absl::StrCat(r.errors, " (", r.first_error, ")").c_str()
                   : "");
      std::fflush(stdout);
      if (r.errors > 0) failed = true;
      cr.runs.push_back(std::move(r));
    }
  }

  const auto anchor_of = [&](int in_flight) -> const ConfigRuns* {
    for (const auto& cr : results) {
      if (cr.config.anchor && cr.config.in_flight == in_flight) return &cr;
    }
    return nullptr;
  };
  std::printf(
      "\nMedians of %d runs (%.0f s measured after %.0f s warm-up each); "
      "queries: %s; k=%d\n\n",
      runs, seconds, warmup_seconds, query_source.c_str(), k);
  std::printf(
      "| in flight | requester | explanations | req/s | p50 ms | p90 ms | "
      "p99 ms | p99.9 ms | CPU ms/req | anchor req/s | anchor p50 ms | "
      "anchor p99 ms | anchor CPU ms/req | ratio | req/s of the runs |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& cr : results) {
    if (cr.config.anchor) continue;
    const ConfigRuns* a = anchor_of(cr.config.in_flight);
    const double rps = cr.MedianOf(&LoadResult::rps);
    const double anchor_rps = a ? a->MedianOf(&LoadResult::rps) : 0;
    std::printf(
        "| %d | %s | %s | %.1f | %.2f | %.2f | %.2f | %.2f | %.2f | %.0f | "
        "%.3f | %.3f | %.3f | %.4f | %s |\n",
        cr.config.in_flight, cr.config.requester ? "yes" : "no",
        cr.config.explanations ? "yes" : "no", rps,
        cr.MedianOf(&LoadResult::p50), cr.MedianOf(&LoadResult::p90),
        cr.MedianOf(&LoadResult::p99), cr.MedianOf(&LoadResult::p999),
        cr.MedianOf(&LoadResult::server_cpu_ms), anchor_rps,
        a ? a->MedianOf(&LoadResult::p50) : 0,
        a ? a->MedianOf(&LoadResult::p99) : 0,
        a ? a->MedianOf(&LoadResult::server_cpu_ms) : 0,
        anchor_rps > 0 ? rps / anchor_rps : 0, cr.RpsList().c_str());
  }
  std::printf("\n");
  for (const auto& cr : results) {
    if (!cr.config.anchor) continue;
    std::printf(
        "anchor in flight %d: req/s of the runs %s; p90 %.3f, "
        "p99.9 %.3f ms; client CPU %.3f ms/req\n",
        cr.config.in_flight, cr.RpsList().c_str(),
        cr.MedianOf(&LoadResult::p90), cr.MedianOf(&LoadResult::p999),
        cr.MedianOf(&LoadResult::client_cpu_ms));
  }
  double rss_end = 0, hwm = 0, anchor_rss = 0;
  if (server_pid > 0) {
    std::tie(rss_end, hwm) = ResidentMib(server_pid);
    std::printf(
        "helixmatch-server RSS: %.1f MiB after the first warm-up, "
        "%.1f MiB at the end, peak %.1f MiB\n",
        rss_after_warmup, rss_end, hwm);
  }
  if (anchor_pid > 0) {
    anchor_rss = ResidentMib(anchor_pid).first;
    std::printf("anchor_server RSS: %.1f MiB at the end\n", anchor_rss);
  }

  std::string json = absl::StrCat("{\"profiles\":", profiles);
  for (const auto& cr : results) {
    const Config& c = cr.config;
    if (c.anchor || c.in_flight != json_in_flight || !c.requester ||
        !c.explanations) {
      continue;
    }
    const ConfigRuns* a = anchor_of(c.in_flight);
    const double rps = cr.MedianOf(&LoadResult::rps);
    const double anchor_rps = a ? a->MedianOf(&LoadResult::rps) : 0;
    absl::StrAppend(
        &json, absl::StrFormat(
                   ",\"in_flight\":%d,\"rps\":%.1f,\"p50_ms\":%.3f,\"p90_ms\":"
                   "%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"anchor_rps\":%.1f,"
                   "\"anchor_p50_ms\":%.3f,\"ratio\":%.5f,\"cpu_ms_per_req\":"
                   "%.3f,\"anchor_cpu_ms_per_req\":%.3f",
                   c.in_flight, rps, cr.MedianOf(&LoadResult::p50),
                   cr.MedianOf(&LoadResult::p90), cr.MedianOf(&LoadResult::p99),
                   cr.MedianOf(&LoadResult::p999), anchor_rps,
                   a ? a->MedianOf(&LoadResult::p50) : 0,
                   anchor_rps > 0 ? rps / anchor_rps : 0,
                   cr.MedianOf(&LoadResult::server_cpu_ms),
                   a ? a->MedianOf(&LoadResult::server_cpu_ms) : 0));
  }
  absl::StrAppend(&json, ",\"runs\":", runs, ",\"seconds\":", seconds);
  if (server_pid > 0) {
    absl::StrAppend(&json,
                    absl::StrFormat(",\"rss_mib\":%.1f,\"peak_rss_mib\":%.1f",
                                    rss_after_warmup, hwm));
  }
  if (anchor_pid > 0) {
    absl::StrAppend(&json,
                    absl::StrFormat(",\"anchor_rss_mib\":%.1f", anchor_rss));
  }
  for (const auto& field : report_fields) {
    const size_t eq = field.find('=');
    if (eq == std::string::npos) continue;
    absl::StrAppend(&json, ",\"", field.substr(0, eq),
                    "\":", field.substr(eq + 1));
  }
  absl::StrAppend(&json, ",\"errors\":", failed ? "true" : "false", "}");
  std::printf("%s\n", json.c_str());
  return failed ? 1 : 0;
}
