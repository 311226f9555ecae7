#include "services/monitoring/logging.h"

#include <chrono>
#include <ctime>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "spdlog/pattern_formatter.h"
#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace helixmatch {
namespace {

// Request lines go through a logger of this name, so that the JSON
// formatter turns their fields into keys.
constexpr char kRequestLogger[] = "request";

std::string Rfc3339Utc(spdlog::log_clock::time_point when) {
  const auto since_epoch = when.time_since_epoch();
  const std::time_t seconds =
      std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
  const int64_t millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch)
          .count() %
      1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S", &utc);
  return absl::StrFormat("%s.%03dZ", buffer, millis);
}

// One JSON object per line. The object is a google.protobuf.Struct
// printed by protobuf's JSON printer, which escapes whatever a message
// holds.
class JsonLineFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg,
              spdlog::memory_buf_t& dest) override {
    google::protobuf::Struct line;
    auto& fields = *line.mutable_fields();
    fields["time"].set_string_value(Rfc3339Utc(msg.time));
    const auto level = spdlog::level::to_string_view(msg.level);
    fields["level"].set_string_value(std::string(level.data(), level.size()));
    fields["logger"].set_string_value(
        std::string(msg.logger_name.data(), msg.logger_name.size()));
    const std::string payload(msg.payload.data(), msg.payload.size());
    google::protobuf::Struct request;
    const std::string_view logger(msg.logger_name.data(),
                                  msg.logger_name.size());
    if (logger == kRequestLogger &&
        google::protobuf::util::JsonStringToMessage(payload, &request).ok()) {
      for (const auto& [key, value] : request.fields()) fields[key] = value;
    } else {
      fields["message"].set_string_value(payload);
    }
    std::string json;
    if (!google::protobuf::util::MessageToJsonString(line, &json).ok()) {
      json = R"({"message":"unprintable log line"})";
    }
    json.push_back('\n');
    dest.append(json.data(), json.data() + json.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonLineFormatter>();
  }
};

LogFormat current_format = LogFormat::kText;

// The default logger until ConfigureLogging made the request logger.
std::shared_ptr<spdlog::logger> RequestLogger() {
  auto logger = spdlog::get(kRequestLogger);
  return logger != nullptr ? logger : spdlog::default_logger();
}

}  // namespace

absl::StatusOr<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return absl::InvalidArgumentError(
      absl::StrCat("log format '", std::string(name), "' is not text or json"));
}

absl::Status ConfigureLogging(const std::string& name, LogFormat format,
                              const std::string& level) {
  const auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off") {
    return absl::InvalidArgumentError(absl::StrCat(
        "log level '", level,
        "' is not trace, debug, info, warn, error, critical or off"));
  }
  std::shared_ptr<spdlog::logger> logger;
  if (format == LogFormat::kJson) {
    // No colour codes inside JSON.
    logger = std::make_shared<spdlog::logger>(
        name, std::make_shared<spdlog::sinks::stderr_sink_mt>());
    logger->set_formatter(std::make_unique<JsonLineFormatter>());
  } else {
    logger = std::make_shared<spdlog::logger>(
        name, std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  }
  logger->set_level(parsed);
  spdlog::drop(kRequestLogger);  // made again from the new sinks
  spdlog::drop(name);
  spdlog::set_default_logger(logger);
  // Shares the sinks, so request lines go where the rest goes.
  auto requests = std::make_shared<spdlog::logger>(
      kRequestLogger, logger->sinks().begin(), logger->sinks().end());
  requests->set_level(parsed);
  spdlog::register_logger(requests);
  current_format = format;
  return absl::OkStatus();
}

std::string_view TransportName(Transport transport) {
  return transport == Transport::kGrpc ? "grpc" : "http";
}

std::string StatusCodeName(absl::StatusCode code) {
  return absl::StatusCodeToString(code);
}

void LogRequest(const CallSummary& call) {
  const bool failure = call.code == absl::StatusCode::kInternal ||
                       call.code == absl::StatusCode::kUnknown ||
                       call.code == absl::StatusCode::kDataLoss;
  const auto level = failure ? spdlog::level::warn : spdlog::level::info;
  auto logger = RequestLogger();
  if (!logger->should_log(level)) return;
  const double ms = call.seconds * 1000;
  if (current_format == LogFormat::kJson) {
    google::protobuf::Struct line;
    auto& f = *line.mutable_fields();
    f["transport"].set_string_value(std::string(TransportName(call.transport)));
    f["method"].set_string_value(std::string(call.method));
    f["principal"].set_string_value(call.principal);
    f["status"].set_string_value(StatusCodeName(call.code));
    if (call.http_status != 0)
      f["http_status"].set_number_value(call.http_status);
    f["latency_ms"].set_number_value(
        static_cast<double>(static_cast<int64_t>(ms * 1000)) / 1000);
    if (call.k != 0) f["k"].set_number_value(call.k);
    if (call.candidates >= 0) {
      f["candidates"].set_number_value(static_cast<double>(call.candidates));
    }
    std::string json;
    if (google::protobuf::util::MessageToJsonString(line, &json).ok()) {
      logger->log(level, "{}", json);
    }
    return;
  }
  std::string text = absl::StrFormat("%s %s principal=%s status=%s",
                                     std::string(TransportName(call.transport)),
                                     std::string(call.method), call.principal,
                                     StatusCodeName(call.code));
  if (call.http_status != 0) absl::StrAppend(&text, " http=", call.http_status);
  absl::StrAppendFormat(&text, " latency_ms=%.3f", ms);
  if (call.k != 0) absl::StrAppend(&text, " k=", call.k);
  if (call.candidates >= 0)
    absl::StrAppend(&text, " candidates=", call.candidates);
  logger->log(level, "{}", text);
}

}  // namespace helixmatch
