#include "services/cli/record_commands.h"

#include <cctype>
#include <cstdio>
#include <string>

namespace helixmatch {
namespace {

class GetCommand final : public Command {
 public:
  explicit GetCommand(CLI::App& app)
      : Command(app.add_subcommand("get", "Fetch one record")) {
    parser_
        ->add_option("--kind", kind_,
                     "organization, capability, need, tie or outcome")
        ->required();
    parser_->add_option("--id", id_, "Record id")->required();
  }

  int Run(Connection& connection) const override {
    v1::GetRequest request;
    v1::RecordKind kind;
    if (!ParseEnumOption("--kind", "RECORD_KIND_", kind_, v1::RecordKind_Parse,
                         &kind)) {
      return 2;
    }
    request.set_kind(kind);
    request.set_id(id_);
    v1::Record response;
    const grpc::Status status =
        connection.stub().Get(connection.context(), request, &response);
    if (!status.ok()) return ReportFailure(status);
    return PrintJson(response);
  }

 private:
  std::string kind_, id_;
};

class ProfilesCommand final : public Command {
 public:
  explicit ProfilesCommand(CLI::App& app)
      : Command(app.add_subcommand(
            "profiles", "List an organization's capabilities or needs")) {
    parser_->add_option("--kind", kind_, "capability or need")->required();
    parser_->add_option("--organization", organization_,
                        "Organization id (default: the token's own)");
    parser_->add_option("--limit", limit_, "At most this many (default 100)")
        ->check(CLI::Range(1, 1000));
  }

  int Run(Connection& connection) const override {
    v1::ListProfilesRequest request;
    v1::RecordKind kind;
    if (!ParseEnumOption("--kind", "RECORD_KIND_", kind_, v1::RecordKind_Parse,
                         &kind)) {
      return 2;
    }
    request.set_kind(kind);
    request.set_organization_id(organization_);
    request.set_limit(limit_);
    v1::ListProfilesResponse response;
    const grpc::Status status = connection.stub().ListProfiles(
        connection.context(), request, &response);
    if (!status.ok()) return ReportFailure(status);
    return PrintJson(response);
  }

 private:
  std::string kind_, organization_;
  int limit_ = 0;
};

class OutcomeCommand final : public Command {
 public:
  explicit OutcomeCommand(CLI::App& app)
      : Command(app.add_subcommand(
            "outcome",
            "Record what came of an offer: a claim until the other party "
            "records the same or confirms it")) {
    parser_->add_option("--id", id_, "Outcome id")->required();
    parser_->add_option("--offered-by", offered_by_, "Organization id")
        ->required();
    parser_->add_option("--offered-to", offered_to_, "Organization id")
        ->required();
    parser_
        ->add_option("--kind", kind_,
                     "contacted, meeting-held, internship-started, "
                     "contract-signed, project-completed, declined, no-answer")
        ->required();
    parser_->add_option("--year", year_, "Year")->required();
    parser_->add_option("--channel", channel_, "e.g. testing");
    parser_->add_option("--reason", reason_,
                        "Decline reason, e.g. no-budget, ip-terms");
    parser_->add_option("--need", need_, "Need id");
    parser_->add_option("--capability", capability_, "Capability id");
    parser_->add_option("--note", note_, "Free text");
  }

  int Run(Connection& connection) const override {
    v1::RecordOutcomeRequest request;
    if (!BuildOutcome(request.mutable_outcome())) return 2;
    v1::RecordOutcomeResponse response;
    const grpc::Status status = connection.stub().RecordOutcome(
        connection.context(), request, &response);
    if (!status.ok()) return ReportFailure(status);
    return PrintJson(response);
  }

 private:
  // False, after saying why on stderr, when an enum option names no value.
  bool BuildOutcome(v1::Outcome* o) const {
    o->set_id(id_);
    o->set_offered_by(offered_by_);
    o->set_offered_to(offered_to_);
    o->set_year(year_);
    v1::OutcomeKind kind;
    if (!ParseEnumOption("--kind", "OUTCOME_KIND_", kind_,
                         v1::OutcomeKind_Parse, &kind)) {
      return false;
    }
    o->set_kind(kind);
    if (!channel_.empty()) {
      v1::Channel channel;
      if (!ParseEnumOption("--channel", "CHANNEL_", channel_, v1::Channel_Parse,
                           &channel)) {
        return false;
      }
      o->set_channel(channel);
    }
    if (!reason_.empty()) {
      v1::DeclineReason reason;
      if (!ParseEnumOption("--reason", "DECLINE_REASON_", reason_,
                           v1::DeclineReason_Parse, &reason)) {
        return false;
      }
      o->set_decline_reason(reason);
    }
    o->set_need_id(need_);
    o->set_capability_id(capability_);
    o->set_note(note_);
    return true;
  }

  std::string id_, offered_by_, offered_to_, kind_, channel_, reason_, need_,
      capability_, note_;
  int year_ = 0;
};

class ConfirmOutcomeCommand final : public Command {
 public:
  explicit ConfirmOutcomeCommand(CLI::App& app)
      : Command(app.add_subcommand(
            "confirm-outcome",
            "Confirm an outcome the other party recorded, so it counts")) {
    parser_->add_option("--id", id_, "Outcome id")->required();
  }

  int Run(Connection& connection) const override {
    v1::ConfirmOutcomeRequest request;
    request.set_outcome_id(id_);
    v1::RecordOutcomeResponse response;
    const grpc::Status status = connection.stub().ConfirmOutcome(
        connection.context(), request, &response);
    if (!status.ok()) return ReportFailure(status);
    return PrintJson(response);
  }

 private:
  std::string id_;
};

class DeclinesCommand final : public Command {
 public:
  explicit DeclinesCommand(CLI::App& app)
      : Command(app.add_subcommand(
            "declines", "Why an organization's offers were declined")) {
    parser_->add_option("--organization", organization_, "Organization id")
        ->required();
  }

  int Run(Connection& connection) const override {
    v1::DeclineReasonsRequest request;
    request.set_organization_id(organization_);
    v1::DeclineReasonsResponse response;
    const grpc::Status status = connection.stub().DeclineReasons(
        connection.context(), request, &response);
    if (!status.ok()) return ReportFailure(status);
    return PrintJson(response);
  }

 private:
  std::string organization_;
};

}  // namespace

std::unique_ptr<Command> AddGetCommand(CLI::App& app) {
  return std::make_unique<GetCommand>(app);
}

std::unique_ptr<Command> AddProfilesCommand(CLI::App& app) {
  return std::make_unique<ProfilesCommand>(app);
}

std::unique_ptr<Command> AddOutcomeCommand(CLI::App& app) {
  return std::make_unique<OutcomeCommand>(app);
}

std::unique_ptr<Command> AddConfirmOutcomeCommand(CLI::App& app) {
  return std::make_unique<ConfirmOutcomeCommand>(app);
}

std::unique_ptr<Command> AddDeclinesCommand(CLI::App& app) {
  return std::make_unique<DeclinesCommand>(app);
}

}  // namespace helixmatch
