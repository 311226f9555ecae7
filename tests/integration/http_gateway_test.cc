// The HTTP/JSON API end to end: the demo data served by a real engine with
// a gRPC port and an HTTP port (both on port 0, one tokens file), asked
// with real HTTP requests: every method, the same answers as gRPC, tokens
// and roles, limits, bad JSON, /metrics, the web app's files, and HTTPS
// with throwaway certificates made by openssl.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "helixmatch/v1/matching.grpc.pb.h"
#include "services/engine/matching_engine.h"
#include "services/http/http_server.h"
#include "services/monitoring/metrics.h"
#include "services/server/match_service.h"
#include "services/server/principals.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using ::helixmatch::testing::DemoFile;
using ::helixmatch::testing::GloveFile;
using ::helixmatch::testing::TempDir;

constexpr char kOperator[] = "operator-token-0123456789";
constexpr char kProgramme[] = "programme-token-0123456789";
constexpr char kTokyrau[] = "tokyrau-token-0123456789";
constexpr char kAltai[] = "altai-token-0123456789abc";
constexpr char kJson[] = "application/json";

std::string Path(const std::string& method) {
  return absl::StrCat(kMatchServicePath, method);
}

google::protobuf::Struct ParseStruct(const std::string& body) {
  google::protobuf::Struct s;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(body, &s).ok())
      << body;
  return s;
}

std::string ErrorCode(const httplib::Result& r) {
  return ParseStruct(r->body).fields().at("code").string_value();
}

std::string ErrorMessage(const httplib::Result& r) {
  return ParseStruct(r->body).fields().at("message").string_value();
}

class HttpGatewayTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto vectors = WordVectors::Load(GloveFile());
    ASSERT_TRUE(vectors.ok()) << vectors.status().message();
    dir_ = new TempDir();
    data_ = dir_->path() + "/db";
    auto imported = testing::ImportDemo(data_, *vectors);
    ASSERT_TRUE(imported.ok()) << imported.message();
    auto principals = PrincipalTable::Parse(
        absl::StrCat(kOperator, " operator\n", kProgramme,
                     " programme org:prog-applied-research\n", kTokyrau,
                     " organization org:tokyrau-copper\n", kAltai,
                     " organization org:altai-mmu\n"),
        "test principals");
    ASSERT_TRUE(principals.ok()) << principals.status().message();
    principals_ = new ReloadablePrincipals(std::move(*principals));
    EngineOptions options;
    options.data_dir = data_;
    options.word_vectors = *vectors;
    options.reference_year = 2025;
    options.programmes_path = DemoFile("programmes");
    auto engine = MatchingEngine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status().message();
    engine_ = engine->release();
    metrics_ = new ServerMetrics(engine_, "test");
    MatchServerOptions grpc_options;
    grpc_options.api.principals = principals_;
    grpc_options.api.backup_root = dir_->path();
    grpc_options.metrics = metrics_;
    auto grpc_server = MatchServer::Start(engine_, "127.0.0.1:0", grpc_options);
    ASSERT_TRUE(grpc_server.ok()) << grpc_server.status().message();
    grpc_server_ = grpc_server->release();
    api_ = new MatchApi(engine_, grpc_options.api);
    HttpServerOptions http;
    http.address = "127.0.0.1:0";
    http.web_root = std::string(HELIXMATCH_SOURCE_DIR) + "/web";
    // Small limits, to test them.
    http.limits.max_message_bytes = 64 * 1024;
    http.limits.max_stream_bytes = 256 * 1024;
    auto http_server = HttpServer::Start(api_, metrics_, http);
    ASSERT_TRUE(http_server.ok()) << http_server.status().message();
    http_server_ = http_server->release();
    stub_ = v1::MatchService::NewStub(
                grpc::CreateChannel(
                    absl::StrCat("127.0.0.1:", grpc_server_->port()),
                    grpc::InsecureChannelCredentials()))
                .release();
  }

  static void TearDownTestSuite() {
    delete stub_;
    delete http_server_;
    delete grpc_server_;
    delete api_;
    delete metrics_;
    delete engine_;
    delete principals_;
    delete dir_;
  }

  static httplib::Client Client() {
    httplib::Client client("127.0.0.1", http_server_->port());
    client.set_read_timeout(60);
    return client;
  }

  static httplib::Result Post(const std::string& method,
                              const std::string& body,
                              const std::string& token = kOperator,
                              const std::string& content_type = kJson) {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    auto result =
        Client().Post(Path(method), headers, body, content_type.c_str());
    EXPECT_TRUE(result) << method << ": no answer";
    return result;
  }

  template <typename Message>
  static Message Parse(const httplib::Result& r) {
    Message m;
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), kJson);
    const auto s = google::protobuf::util::JsonStringToMessage(r->body, &m);
    EXPECT_TRUE(s.ok()) << s.message() << ": " << r->body;
    return m;
  }

  static std::string Scrape() {
    auto r = Client().Get("/metrics");
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    return r->body;
  }

  static inline TempDir* dir_ = nullptr;
  static inline std::string data_;
  static inline ReloadablePrincipals* principals_ = nullptr;
  static inline MatchingEngine* engine_ = nullptr;
  static inline ServerMetrics* metrics_ = nullptr;
  static inline MatchServer* grpc_server_ = nullptr;
  static inline MatchApi* api_ = nullptr;
  static inline HttpServer* http_server_ = nullptr;
  static inline v1::MatchService::Stub* stub_ = nullptr;
};

TEST_F(HttpGatewayTest, RecommendAnswersAsGrpcDoes) {
  const std::string body = R"({"needId":"need:demo-flotation","k":3})";
  auto http = Parse<v1::RecommendResponse>(Post("Recommend", body, kTokyrau));
  v1::RecommendRequest request;
  request.set_need_id("need:demo-flotation");
  request.set_k(3);
  grpc::ClientContext context;
  context.AddMetadata("authorization", absl::StrCat("Bearer ", kTokyrau));
  v1::RecommendResponse grpc;
  ASSERT_TRUE(stub_->Recommend(&context, request, &grpc).ok());
  ASSERT_EQ(http.suggestions_size(), 3);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(http, grpc))
      << http.DebugString() << "\nvs\n"
      << grpc.DebugString();
}

TEST_F(HttpGatewayTest, EveryMethodAnswers) {
  // Reads.
  Parse<v1::StatsResponse>(Post("Stats", ""));
  Parse<v1::StatsResponse>(Post("Stats", "{}"));
  auto record = Parse<v1::Record>(Post(
      "Get", R"({"kind":"RECORD_KIND_ORGANIZATION","id":"org:saryarka-tu"})"));
  EXPECT_EQ(record.organization().id(), "org:saryarka-tu");
  auto explained = Parse<v1::ExplainResponse>(Post(
      "Explain",
      R"({"needId":"need:demo-flotation","capabilityId":"cap:altai-hydromet"})"));
  EXPECT_EQ(explained.suggestion().barriers_size(), 12);
  auto listed = Parse<v1::ListProfilesResponse>(
      Post("ListProfiles", R"({"kind":"RECORD_KIND_NEED"})", kTokyrau));
  EXPECT_EQ(listed.organization_id(), "org:tokyrau-copper");
  EXPECT_EQ(listed.total(), 3);  // two in English, one in Russian
  auto programmes =
      Parse<v1::ListProgrammesResponse>(Post("ListProgrammes", "{}"));
  EXPECT_GE(programmes.programmes_size(), 2);
  auto pathway = Parse<v1::Pathway>(Post(
      "PlanPathway",
      R"({"universityId":"org:geotech-institute","firmId":"org:saryarka-coal",)"
      R"("targetRung":-1,"targetChannels":["CHANNEL_CONTRACT_RESEARCH"]})"));
  EXPECT_FALSE(pathway.steps().empty());

  // Screening: one, then the demo batch as a JSON array and as JSON lines.
  std::ifstream in(DemoFile("proposals/2025-batch.jsonl"));
  std::string line, lines, array = "[";
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::string wrapped = absl::StrCat(R"({"proposal":)", line, "}");
    absl::StrAppend(&lines, wrapped, "\n");
    absl::StrAppend(&array, array.size() > 1 ? "," : "", wrapped);
  }
  array += "]";
  auto one = Parse<v1::ScreeningReport>(
      Post("ScreenProposal", lines.substr(0, lines.find('\n')), kProgramme));
  EXPECT_FALSE(one.proposal_id().empty());
  auto batch = Parse<v1::ScreenProposalsResponse>(
      Post("ScreenProposals", array, kProgramme));
  EXPECT_EQ(batch.reports_size(), 12);
  int ineligible = 0;
  for (const auto& r : batch.reports()) ineligible += r.eligible() ? 0 : 1;
  EXPECT_EQ(ineligible, 2);
  auto batch_lines = Parse<v1::ScreenProposalsResponse>(
      Post("ScreenProposals", lines, kProgramme, "application/jsonl"));
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(batch, batch_lines));

  // Writes by an organization, its own records only.
  const std::string need =
      R"({"need":{"id":"need:http-test","organizationId":"org:tokyrau-copper",)"
      R"("title":"Dust suppression on haul roads at an open pit copper mine"}})";
  auto upserted = Parse<v1::UpsertResponse>(
      Post("Upsert", absl::StrCat(R"({"record":)", need, "}"), kTokyrau));
  EXPECT_TRUE(upserted.created());
  auto batched = Parse<v1::BatchUpsertResponse>(Post(
      "BatchUpsert", absl::StrCat(R"({"records":[)", need, "]}"), kTokyrau));
  EXPECT_EQ(batched.replaced(), 1);
  auto ingested = Parse<v1::IngestResponse>(
      Post("Ingest",
           absl::StrCat("[", R"({"record":)", need, "},",
                        R"({"record":{"need":{"id":"need:x","organizationId":)"
                        R"("org:saryarka-coal","title":"Not ours"}}}])"),
           kTokyrau));
  EXPECT_EQ(ingested.accepted(), 1);
  ASSERT_EQ(ingested.rejected_size(), 1);
  EXPECT_EQ(ingested.rejected(0).position(), 1);
  Parse<v1::DeleteResponse>(
      Post("Delete", R"({"kind":"RECORD_KIND_NEED","id":"need:http-test"})",
           kTokyrau));
  auto gone =
      Post("Get", R"({"kind":"RECORD_KIND_NEED","id":"need:http-test"})");
  EXPECT_EQ(gone->status, 404);
  EXPECT_EQ(ErrorCode(gone), "not_found");

  // The outcome loop.
  auto outcome = Parse<v1::RecordOutcomeResponse>(
      Post("RecordOutcome",
           R"({"outcome":{"id":"http-decline","offeredBy":"org:altai-mmu",)"
           R"("offeredTo":"org:aksu-gold","kind":"OUTCOME_KIND_DECLINED",)"
           R"("declineReason":"DECLINE_REASON_NO_BUDGET","year":2025}})",
           kAltai));
  EXPECT_TRUE(outcome.created());
  auto declines = Parse<v1::DeclineReasonsResponse>(
      Post("DeclineReasons", R"({"organizationId":"org:altai-mmu"})", kAltai));
  EXPECT_GE(declines.declined(), 1);

  // Backup: operator only.
  const std::string backup =
      absl::StrCat(R"({"folder":")", dir_->path(), R"(/backup"})");
  EXPECT_EQ(Post("Backup", backup, kAltai)->status, 403);
  auto copied = Parse<v1::BackupResponse>(Post("Backup", backup));
  EXPECT_GT(copied.store_sequence(), 0u);
}

TEST_F(HttpGatewayTest, TokensAndRolesAreThoseOfGrpc) {
  auto missing = Post("Stats", "{}", "");
  EXPECT_EQ(missing->status, 401);
  EXPECT_EQ(ErrorCode(missing), "unauthenticated");
  auto unknown = Post("Stats", "{}", "not-a-known-token-at-all");
  EXPECT_EQ(unknown->status, 401);
  httplib::Headers basic{{"Authorization", "Basic dXNlcjpwYXNz"}};
  auto wrong_scheme = Client().Post(Path("Stats"), basic, "{}", kJson);
  EXPECT_EQ(wrong_scheme->status, 401);

  // The autonomy guard, word for word as over gRPC.
  const std::string outcome =
      R"({"outcome":{"id":"by-programme","offeredBy":"org:saryarka-tu",)"
      R"("offeredTo":"org:saryarka-coal","kind":"OUTCOME_KIND_CONTRACT_SIGNED",)"
      R"("year":2025}})";
  auto refused = Post("RecordOutcome", outcome, kProgramme);
  EXPECT_EQ(refused->status, 403);
  EXPECT_EQ(ErrorCode(refused), "permission_denied");
  EXPECT_TRUE(absl::StrContains(ErrorMessage(refused), "autonomy guard"));
  v1::RecordOutcomeRequest request;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(outcome, &request).ok());
  grpc::ClientContext context;
  context.AddMetadata("authorization", absl::StrCat("Bearer ", kProgramme));
  v1::RecordOutcomeResponse ignored;
  const auto status = stub_->RecordOutcome(&context, request, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(), ErrorMessage(refused));

  // An organization lists only its own profiles.
  auto others = Post(
      "ListProfiles",
      R"({"kind":"RECORD_KIND_CAPABILITY","organizationId":"org:altai-mmu"})",
      kTokyrau);
  EXPECT_EQ(others->status, 403);
  EXPECT_EQ(ErrorCode(others), "permission_denied");

  // An organization asks only as itself.
  auto as_other = Post(
      "Recommend",
      R"({"text":"flotation","direction":"DIRECTION_NEED_TO_CAPABILITIES",)"
      R"("requesterOrganizationId":"org:altai-mmu"})",
      kTokyrau);
  EXPECT_EQ(as_other->status, 403);
}

TEST_F(HttpGatewayTest, BadJsonIsA400NamingTheField) {
  auto unknown_field = Post("Recommend", R"({"needId":"need:demo-flotation",)"
                                         R"("kk":3})");
  EXPECT_EQ(unknown_field->status, 400);
  EXPECT_EQ(ErrorCode(unknown_field), "invalid_argument");
  EXPECT_TRUE(absl::StrContains(ErrorMessage(unknown_field), "kk"))
      << ErrorMessage(unknown_field);

  auto wrong_type = Post("Recommend", R"({"needId":"need:demo-flotation",)"
                                      R"("k":"three"})");
  EXPECT_EQ(wrong_type->status, 400);
  EXPECT_TRUE(absl::StrContains(ErrorMessage(wrong_type), "k"))
      << ErrorMessage(wrong_type);

  auto bad_enum = Post("Get", R"({"kind":"RECORD_KIND_PLANET","id":"x"})");
  EXPECT_EQ(bad_enum->status, 400);
  EXPECT_TRUE(absl::StrContains(ErrorMessage(bad_enum), "kind"))
      << ErrorMessage(bad_enum);

  auto not_json = Post("Stats", "{not json");
  EXPECT_EQ(not_json->status, 400);

  auto bad_element =
      Post("ScreenProposals",
           R"([{"proposal":{"id":"a"}},{"proposal":{"budgetUsd":"lots"}}])",
           kProgramme);
  EXPECT_EQ(bad_element->status, 400);
  EXPECT_TRUE(absl::StrContains(ErrorMessage(bad_element), "[1]"))
      << ErrorMessage(bad_element);
  EXPECT_TRUE(absl::StrContains(ErrorMessage(bad_element), "budget"))
      << ErrorMessage(bad_element);

  auto bad_line = Post("Ingest", "{\"record\":{}}\n\n{\"recrd\":{}}\n",
                       kOperator, "application/jsonl");
  EXPECT_EQ(bad_line->status, 400);
  EXPECT_TRUE(absl::StrContains(ErrorMessage(bad_line), "line 3"))
      << ErrorMessage(bad_line);

  auto object_for_stream = Post("Ingest", R"({"record":{}})");
  EXPECT_EQ(object_for_stream->status, 400);

  // The engine's own checks come through with their messages.
  auto big_k =
      Post("Recommend", R"({"needId":"need:demo-flotation","k":1000})");
  EXPECT_EQ(big_k->status, 400);
  EXPECT_TRUE(absl::StrContains(ErrorMessage(big_k), "k")) << big_k->body;
  auto big_limit = Post(
      "ListProfiles", R"({"kind":"RECORD_KIND_NEED","limit":5000})", kTokyrau);
  EXPECT_EQ(big_limit->status, 400);
  EXPECT_TRUE(absl::StrContains(ErrorMessage(big_limit), "limit: 5000"))
      << big_limit->body;
  auto limit_text =
      Post("ListProfiles", R"({"kind":"RECORD_KIND_NEED","limit":"many"})");
  EXPECT_EQ(limit_text->status, 400);
  EXPECT_TRUE(absl::StrContains(ErrorMessage(limit_text), "limit"))
      << limit_text->body;
}

TEST_F(HttpGatewayTest, LimitsAndProtocol) {
  // The limits of this test's server: 64 KiB per message, 256 KiB per
  // streaming body (the server's defaults are gRPC's 8 MiB and 64 MiB).
  auto too_big = Post("Stats", std::string(100 * 1024, ' '));
  EXPECT_EQ(too_big->status, 413);
  EXPECT_EQ(ErrorCode(too_big), "resource_exhausted");
  auto big_line = Post("Ingest", std::string(100 * 1024, ' ') + "{}\n",
                       kOperator, "application/jsonl");
  EXPECT_EQ(big_line->status, 413);
  EXPECT_TRUE(absl::StrContains(ErrorMessage(big_line), "line 1"));
  auto big_stream = Post("Ingest", std::string(300 * 1024, '\n'), kOperator,
                         "application/jsonl");
  ASSERT_TRUE(big_stream);
  EXPECT_EQ(big_stream->status, 413);
  auto fits = Post("Ingest", std::string(200 * 1024, '\n'), kOperator,
                   "application/jsonl");
  EXPECT_EQ(fits->status, 200);
  // Headers above 16 KiB.
  httplib::Headers headers{
      {"Authorization", absl::StrCat("Bearer ", kOperator)}};
  for (int i = 0; i < 40; ++i) {
    headers.emplace(absl::StrCat("X-Padding-", i), std::string(500, 'x'));
  }
  auto big_headers = Client().Post(Path("Stats"), headers, "{}", kJson);
  ASSERT_TRUE(big_headers);
  EXPECT_EQ(big_headers->status, 431);

  auto text = Post("Stats", "{}", kOperator, "text/plain");
  EXPECT_EQ(text->status, 415);
  auto jsonl_unary = Post("Stats", "{}", kOperator, "application/jsonl");
  EXPECT_EQ(jsonl_unary->status, 415);
  auto charset =
      Post("Stats", "{}", kOperator, "application/json; charset=utf-8");
  EXPECT_EQ(charset->status, 200);
  auto unknown = Post("Teleport", "{}");
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(ErrorCode(unknown), "unimplemented");
  auto get = Client().Get(Path("Stats"));
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 405);
  EXPECT_EQ(get->get_header_value("Allow"), "POST");
}

TEST_F(HttpGatewayTest, MetricsCountRequests) {
  const std::string before = Scrape();
  for (int i = 0; i < 3; ++i) {
    Parse<v1::RecommendResponse>(
        Post("Recommend", R"({"needId":"need:demo-flotation","k":2})"));
  }
  Post("Recommend", R"({"needId":"need:none","k":2})");
  const std::string after = Scrape();
  const auto count = [](const std::string& text, const std::string& series) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      if (absl::StartsWith(line, series + " ")) {
        return std::stod(line.substr(series.size() + 1));
      }
    }
    return 0.0;
  };
  const std::string ok =
      R"(helixmatch_requests_total{code="OK",method="Recommend",transport="http"})";
  EXPECT_EQ(count(after, ok) - count(before, ok), 3) << after;
  EXPECT_GE(
      count(
          after,
          R"(helixmatch_requests_total{code="NOT_FOUND",method="Recommend",transport="http"})"),
      1);
  for (const char* family :
       {"helixmatch_request_duration_seconds_bucket",
        "helixmatch_requests_in_flight", "helixmatch_commit_group_writes",
        "helixmatch_commit_sync_seconds", "helixmatch_index_slots",
        "helixmatch_index_recovery", "helixmatch_catalog_records",
        "helixmatch_build_info", "helixmatch_commit_groups_total"}) {
    EXPECT_TRUE(absl::StrContains(after, family)) << family;
  }
  EXPECT_GT(count(after, R"(helixmatch_catalog_records{kind="organization"})"),
            5);
  // No record ids in labels.
  EXPECT_FALSE(absl::StrContains(after, "need:demo-flotation"));
  EXPECT_FALSE(absl::StrContains(after, "org:"));
}

TEST_F(HttpGatewayTest, ServesTheWebApp) {
  auto index = Client().Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_TRUE(absl::StrContains(index->body, "helixmatch"));
  EXPECT_TRUE(
      absl::StrContains(index->get_header_value("Content-Type"), "text/html"));
  EXPECT_TRUE(
      absl::StrContains(index->get_header_value("Content-Security-Policy"),
                        "default-src 'self'"));
  auto script = Client().Get("/js/app.js");
  ASSERT_TRUE(script);
  EXPECT_EQ(script->status, 200);
  EXPECT_TRUE(absl::StrContains(script->get_header_value("Content-Type"),
                                "javascript"));
  auto outside = Client().Get("/../CMakeLists.txt");
  ASSERT_TRUE(outside);
  EXPECT_NE(outside->status, 200);
}

// HTTPS with a throwaway certificate, and mutual TLS with a client CA.
TEST(HttpTlsTest, ServesHttpsWithTheGivenCertificate) {
  TempDir dir;
  const std::string d = dir.path();
  const std::string make = absl::StrCat(
      "cd ", d,
      " && openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "
      "/CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout key.pem "
      "-out cert.pem >/dev/null 2>&1");
  ASSERT_EQ(std::system(make.c_str()), 0) << "openssl failed";
  auto vectors = testing::SyntheticWordVectors();
  EngineOptions options;
  options.data_dir = d + "/db";
  options.word_vectors = vectors;
  auto engine = MatchingEngine::Open(options);
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  MatchApi api(engine->get(), MatchApiOptions());
  HttpServerOptions http;
  http.tls = {d + "/cert.pem", d + "/key.pem", ""};
  auto server = HttpServer::Start(&api, nullptr, http);
  ASSERT_TRUE(server.ok()) << server.status().message();
  EXPECT_TRUE((*server)->tls());

  httplib::SSLClient client("127.0.0.1", (*server)->port());
  client.set_ca_cert_path((d + "/cert.pem").c_str());
  client.enable_server_certificate_verification(true);
  auto r = client.Post(Path("Stats"), "{}", kJson);
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200);

  httplib::Client plain("127.0.0.1", (*server)->port());
  plain.set_read_timeout(5);
  auto refused = plain.Post(Path("Stats"), "{}", kJson);
  EXPECT_TRUE(!refused || refused->status != 200);

  HttpServerOptions bad = http;
  bad.tls.key = d + "/missing.pem";
  EXPECT_FALSE(HttpServer::Start(&api, nullptr, bad).ok());

  // Mutual TLS: a client certificate signed by the client CA is required.
  const std::string make_clients = absl::StrCat(
      "cd ", d,
      " && for who in ca other-ca; do openssl req -x509 -newkey rsa:2048 "
      "-nodes -days 1 -subj /CN=$who -keyout $who.key -out $who.pem; done"
      " && for pair in client:ca stranger:other-ca; do who=${pair%:*};"
      " ca=${pair#*:}; openssl req -newkey rsa:2048 -nodes -subj /CN=$who"
      " -keyout $who.key -out $who.csr && openssl x509 -req -in $who.csr"
      " -CA $ca.pem -CAkey $ca.key -CAcreateserial -days 1 -out $who.pem;"
      " done >/dev/null 2>&1");
  ASSERT_EQ(std::system(make_clients.c_str()), 0) << "openssl failed";
  HttpServerOptions mutual = http;
  mutual.tls.client_ca = d + "/ca.pem";
  auto mtls = HttpServer::Start(&api, nullptr, mutual);
  ASSERT_TRUE(mtls.ok()) << mtls.status().message();
  const auto stats = [&](const std::string& who) {
    auto c =
        who.empty()
            ? std::make_unique<httplib::SSLClient>("127.0.0.1", (*mtls)->port())
            : std::make_unique<httplib::SSLClient>("127.0.0.1", (*mtls)->port(),
                                                   d + "/" + who + ".pem",
                                                   d + "/" + who + ".key");
    c->set_ca_cert_path((d + "/cert.pem").c_str());
    c->enable_server_certificate_verification(true);
    c->set_read_timeout(5);
    auto r = c->Post(Path("Stats"), "{}", kJson);
    return r ? r->status : -1;
  };
  EXPECT_EQ(stats("client"), 200);
  EXPECT_EQ(stats(""), -1) << "no client certificate";
  EXPECT_EQ(stats("stranger"), -1) << "a certificate of another CA";
}

// The one visibility rule and the outcome claims live in MatchApi, under
// both transports: over HTTP a private need of another organization
// answers exactly as a missing id does, and a one-sided outcome is a
// claim (no tie) until the other party confirms it.
TEST_F(HttpGatewayTest, HiddenNeedsAndClaimedOutcomesOverHttp) {
  const std::string secret_title =
      "Confidential tailings dam seepage at Tokyrau";
  auto upserted = Parse<v1::UpsertResponse>(Post(
      "Upsert",
      absl::StrCat(R"({"record":{"need":{"id":"need:http-private",)",
                   R"("organizationId":"org:tokyrau-copper","title":")",
                   secret_title, R"(","visibility":"VISIBILITY_PRIVATE"}}})"),
      kTokyrau));
  EXPECT_TRUE(upserted.created());
  // The owner sees it.
  auto own = Parse<v1::Record>(
      Post("Get", R"({"kind":"RECORD_KIND_NEED","id":"need:http-private"})",
           kTokyrau));
  EXPECT_EQ(own.need().title(), secret_title);

  // Another organization and a programme: the same answer as for an id
  // that does not exist, with the id swapped, and nothing of the record.
  struct Call {
    std::string method;
    std::string body;  // $ stands for the need id
  };
  const Call calls[] = {
      {"Get", R"({"kind":"RECORD_KIND_NEED","id":"$"})"},
      {"Explain", R"({"needId":"$","capabilityId":"cap:altai-hydromet"})"},
      {"Recommend", R"({"needId":"$","k":3})"},
  };
  for (const char* token : {kAltai, kProgramme}) {
    for (const Call& call : calls) {
      auto hidden = Post(
          call.method,
          absl::StrReplaceAll(call.body, {{"$", "need:http-private"}}), token);
      auto missing = Post(
          call.method,
          absl::StrReplaceAll(call.body, {{"$", "need:http-absent"}}), token);
      SCOPED_TRACE(absl::StrCat(call.method, " as ", token));
      EXPECT_EQ(hidden->status, missing->status) << hidden->body;
      EXPECT_EQ(
          absl::StrReplaceAll(hidden->body, {{"need:http-private", "ID"}}),
          absl::StrReplaceAll(missing->body, {{"need:http-absent", "ID"}}));
      EXPECT_FALSE(absl::StrContains(hidden->body, "Tokyrau")) << hidden->body;
      EXPECT_FALSE(absl::StrContains(hidden->body, "tokyrau")) << hidden->body;
    }
  }
  // Nor is it listed to anyone but its owner.
  auto listed = Parse<v1::ListProfilesResponse>(Post(
      "ListProfiles",
      R"({"kind":"RECORD_KIND_NEED","organizationId":"org:tokyrau-copper"})",
      kProgramme));
  for (const auto& profile : listed.profiles()) {
    EXPECT_NE(profile.id(), "need:http-private");
  }

  // A claim by the university alone makes no tie.
  const std::string completed =
      R"({"outcome":{"id":"http-claim","offeredBy":"org:altai-mmu",)"
      R"("offeredTo":"org:tokyrau-copper","kind":"OUTCOME_KIND_PROJECT_COMPLETED",)"
      R"("year":2025}})";
  auto claimed = Parse<v1::RecordOutcomeResponse>(
      Post("RecordOutcome", completed, kAltai));
  EXPECT_TRUE(claimed.created());
  EXPECT_FALSE(claimed.has_tie());
  EXPECT_EQ(claimed.outcome().recorded_by(), "org:altai-mmu");
  EXPECT_TRUE(claimed.outcome().confirmed_by().empty());
  // The recorder cannot confirm its own claim; an outsider is told the
  // outcome does not exist.
  const std::string confirm = R"({"outcomeId":"http-claim"})";
  auto self = Post("ConfirmOutcome", confirm, kAltai);
  EXPECT_EQ(self->status, 400) << self->body;
  EXPECT_EQ(ErrorCode(self), "failed_precondition");
  auto outsider = Post("ConfirmOutcome", confirm, kProgramme);
  auto nowhere =
      Post("ConfirmOutcome", R"({"outcomeId":"http-none"})", kProgramme);
  EXPECT_EQ(outsider->status, nowhere->status);
  EXPECT_EQ(absl::StrReplaceAll(ErrorMessage(outsider), {{"http-claim", "ID"}}),
            absl::StrReplaceAll(ErrorMessage(nowhere), {{"http-none", "ID"}}));
  // The firm confirms: now it is a tie.
  auto confirmed = Parse<v1::RecordOutcomeResponse>(
      Post("ConfirmOutcome", confirm, kTokyrau));
  EXPECT_TRUE(confirmed.has_tie());
  EXPECT_EQ(confirmed.outcome().confirmed_by(), "org:tokyrau-copper");

  // Leave the shared engine as the other tests expect it.
  Parse<v1::DeleteResponse>(
      Post("Delete", R"({"kind":"RECORD_KIND_OUTCOME","id":"http-claim"})"));
  Parse<v1::DeleteResponse>(Post(
      "Delete", R"({"kind":"RECORD_KIND_NEED","id":"need:http-private"})"));
}

}  // namespace
}  // namespace helixmatch
