#include "services/http/connect_gateway.h"

#include <functional>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "services/server/call_summary.h"

namespace helixmatch {
namespace {

namespace json = google::protobuf::util;

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kJsonLines = "application/jsonl";

// Debian's Abseil has a string_view of its own.
absl::string_view Absl(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

// The media type without parameters, lower case.
std::string MediaType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(Absl(type)));
}

// Parses one request message. INVALID_ARGUMENT "<where>: <protobuf's
// message, which names the field>".
template <typename Message>
absl::Status ParseMessage(absl::string_view text, absl::string_view where,
                          Message* message) {
  if (absl::StripAsciiWhitespace(text).empty()) text = "{}";
  json::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = json::JsonStringToMessage(
      google::protobuf::StringPiece(text.data(), text.size()), message,
      options);
  if (status.ok()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      where, where.empty() ? "" : ": ", "bad JSON for ",
      Message::descriptor()->full_name(), ": ",
      std::string(status.message().data(), status.message().size())));
}

// The messages of a streaming body: a JSON array, or JSON lines.
template <typename Request>
absl::StatusOr<std::vector<Request>> ParseStream(absl::string_view body,
                                                 bool lines,
                                                 size_t max_message_bytes) {
  std::vector<Request> requests;
  if (lines) {
    int line_number = 0;
    for (absl::string_view line : absl::StrSplit(body, '\n')) {
      ++line_number;
      if (absl::StripAsciiWhitespace(line).empty()) continue;
      const std::string where = absl::StrCat("line ", line_number);
      if (line.size() > max_message_bytes) {
        return absl::ResourceExhaustedError(absl::StrCat(
            where, ": ", line.size(), " bytes, above the limit of ",
            max_message_bytes, " bytes per message"));
      }
      Request request;
      if (auto s = ParseMessage(line, where, &request); !s.ok()) return s;
      requests.push_back(std::move(request));
    }
    return requests;
  }
  // A JSON array: each element is printed again and parsed as a request,
  // so that errors name the element and the field.
  google::protobuf::ListValue list;
  const auto status = json::JsonStringToMessage(
      google::protobuf::StringPiece(body.data(), body.size()), &list);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "body: a JSON array of ", Request::descriptor()->full_name(),
        " expected (or JSON lines with Content-Type: application/jsonl): ",
        std::string(status.message().data(), status.message().size())));
  }
  for (int i = 0; i < list.values_size(); ++i) {
    const std::string where = absl::StrCat("[", i, "]");
    if (list.values(i).kind_case() != google::protobuf::Value::kStructValue) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": a JSON object expected"));
    }
    std::string element;
    if (!json::MessageToJsonString(list.values(i), &element).ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": cannot be read"));
    }
    if (element.size() > max_message_bytes) {
      return absl::ResourceExhaustedError(absl::StrCat(
          where, ": ", element.size(), " bytes, above the limit of ",
          max_message_bytes, " bytes per message"));
    }
    Request request;
    if (auto s = ParseMessage(element, where, &request); !s.ok()) return s;
    requests.push_back(std::move(request));
  }
  return requests;
}

template <typename Response>
HttpAnswer PrintAnswer(const Response& response) {
  HttpAnswer answer;
  const auto status = json::MessageToJsonString(response, &answer.body);
  if (!status.ok()) {
    return ErrorAnswer(absl::InternalError(absl::StrCat(
        "cannot print the response: ",
        std::string(status.message().data(), status.message().size()))));
  }
  return answer;
}

}  // namespace

std::string ConnectCodeName(absl::StatusCode code) {
  if (code == absl::StatusCode::kCancelled) return "canceled";  // Connect's
  return absl::AsciiStrToLower(absl::StatusCodeToString(code));
}

int HttpStatusOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    default:  // unknown, internal, data_loss
      return 500;
  }
}

HttpAnswer ErrorAnswer(int http_status, const absl::Status& status) {
  // Written in a fixed order ("code", then "message"), not through a
  // Struct, whose map prints its keys in no set order: two answers that
  // must be alike (a hidden record and a missing one) are alike byte for
  // byte.
  google::protobuf::Value message;
  message.set_string_value(
      std::string(status.message().data(), status.message().size()));
  std::string quoted;
  HttpAnswer answer;
  answer.status = http_status;
  if (!json::MessageToJsonString(message, &quoted).ok()) {
    answer.body = R"({"code":"internal"})";
    return answer;
  }
  answer.body = absl::StrCat(R"({"code":")", ConnectCodeName(status.code()),
                             R"(","message":)", quoted, "}");
  return answer;
}

HttpAnswer ErrorAnswer(const absl::Status& status) {
  return ErrorAnswer(HttpStatusOf(status.code()), status);
}

template <typename Request, typename Fn>
void ConnectGateway::AddUnary(const char* name, Fn fn) {
  methods_[name] =
      Method{false, [this, fn](const Principal& caller, BodyFormat,
                               std::string_view body, CallSummary* call) {
               Request request;
               if (auto s = ParseMessage(Absl(body), "", &request); !s.ok()) {
                 call->code = s.code();
                 return ErrorAnswer(s);
               }
               auto result = std::invoke(fn, *api_, caller, request);
               call->code = result.status().code();
               DescribeCall(request, result.ok() ? &*result : nullptr, call);
               if (!result.ok()) return ErrorAnswer(result.status());
               return PrintAnswer(*result);
             }};
}

template <typename Request, typename Fn>
void ConnectGateway::AddStream(const char* name, Fn fn) {
  methods_[name] = Method{
      true, [this, fn](const Principal& caller, BodyFormat format,
                       std::string_view body, CallSummary* call) {
        auto requests =
            ParseStream<Request>(Absl(body), format == BodyFormat::kJsonLines,
                                 limits_.max_message_bytes);
        if (!requests.ok()) {
          call->code = requests.status().code();
          return ErrorAnswer(
              requests.status().code() == absl::StatusCode::kResourceExhausted
                  ? 413
                  : 400,
              requests.status());
        }
        size_t next = 0;
        const RequestStream<Request> stream{
            [&](Request* r) {
              if (next == requests->size()) return false;
              *r = std::move((*requests)[next++]);
              return true;
            },
            [] { return false; }};
        auto result = std::invoke(fn, *api_, caller, stream);
        call->code = result.status().code();
        if (!result.ok()) return ErrorAnswer(result.status());
        return PrintAnswer(*result);
      }};
}

ConnectGateway::ConnectGateway(MatchApi* api, ServerMetrics* metrics,
                               GatewayLimits limits)
    : api_(api), metrics_(metrics), limits_(limits) {
  AddUnary<v1::UpsertRequest>("Upsert", &MatchApi::Upsert);
  AddUnary<v1::BatchUpsertRequest>("BatchUpsert", &MatchApi::BatchUpsert);
  AddStream<v1::IngestRequest>("Ingest", &MatchApi::Ingest);
  AddUnary<v1::DeleteRequest>("Delete", &MatchApi::Delete);
  AddUnary<v1::GetRequest>("Get", &MatchApi::Get);
  AddUnary<v1::ListProfilesRequest>("ListProfiles", &MatchApi::ListProfiles);
  AddUnary<v1::RecommendRequest>("Recommend", &MatchApi::Recommend);
  AddUnary<v1::ExplainRequest>("Explain", &MatchApi::Explain);
  AddUnary<v1::StatsRequest>("Stats", &MatchApi::Stats);
  AddUnary<v1::BackupRequest>("Backup", &MatchApi::Backup);
  AddUnary<v1::ScreenProposalRequest>("ScreenProposal",
                                      &MatchApi::ScreenProposal);
  AddStream<v1::ScreenProposalRequest>("ScreenProposals",
                                       &MatchApi::ScreenProposals);
  AddUnary<v1::PlanPathwayRequest>("PlanPathway", &MatchApi::PlanPathway);
  AddUnary<v1::ListProgrammesRequest>("ListProgrammes",
                                      &MatchApi::ListProgrammes);
  AddUnary<v1::RecordOutcomeRequest>("RecordOutcome", &MatchApi::RecordOutcome);
  AddUnary<v1::ConfirmOutcomeRequest>("ConfirmOutcome",
                                      &MatchApi::ConfirmOutcome);
  AddUnary<v1::DeclineReasonsRequest>("DeclineReasons",
                                      &MatchApi::DeclineReasons);
}

bool ConnectGateway::HasMethod(std::string_view method) const {
  return methods_.find(method) != methods_.end();
}

size_t ConnectGateway::MaxBodyBytes(std::string_view method) const {
  auto it = methods_.find(method);
  if (it == methods_.end()) return 0;
  return it->second.streaming ? limits_.max_stream_bytes
                              : limits_.max_message_bytes;
}

HttpAnswer ConnectGateway::Call(std::string_view method,
                                std::string_view content_type,
                                const std::optional<std::string>& authorization,
                                std::string_view body) {
  auto it = methods_.find(method);
  if (it == methods_.end()) {
    return ErrorAnswer(404, absl::UnimplementedError(absl::StrCat(
                                "helixmatch.v1.MatchService has no method '",
                                std::string(method), "'")));
  }
  // The key outlives the call: the scope and the log may keep its view.
  CallScope scope(metrics_, Transport::kHttp, it->first);
  CallSummary call;
  const auto finish = [&](HttpAnswer answer) {
    call.http_status = answer.status;
    scope.Finish(std::move(call));
    return answer;
  };
  const Method& m = it->second;
  const std::string media = MediaType(content_type);
  BodyFormat format = BodyFormat::kJson;
  if (media == kJsonLines && m.streaming) {
    format = BodyFormat::kJsonLines;
  } else if (media != kJson) {
    call.code = absl::StatusCode::kInvalidArgument;
    return finish(ErrorAnswer(
        415, absl::InvalidArgumentError(absl::StrCat(
                 "Content-Type '", std::string(content_type), "' is not ",
                 std::string(kJson),
                 m.streaming ? absl::StrCat(" or ", std::string(kJsonLines))
                             : ""))));
  }
  if (body.size() > MaxBodyBytes(method)) {
    call.code = absl::StatusCode::kResourceExhausted;
    return finish(ErrorAnswer(
        413, absl::ResourceExhaustedError(absl::StrCat(
                 "body of ", body.size(), " bytes is above the limit of ",
                 MaxBodyBytes(method), " bytes for ", std::string(method)))));
  }
  auto caller = api_->Authenticate(
      authorization, absl::string_view(method.data(), method.size()));
  if (!caller.ok()) {
    call.code = caller.status().code();
    return finish(ErrorAnswer(caller.status()));
  }
  call.principal = PrincipalName(*caller);
  return finish(m.run(*caller, format, body, &call));
}

}  // namespace helixmatch
