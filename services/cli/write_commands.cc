#include "services/cli/write_commands.h"

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "google/protobuf/util/json_util.h"

namespace helixmatch {
namespace {

// Where a streamed record came from.
struct Origin {
  std::string file;
  long long line = 0;
};

void PrintRejected(const Origin& origin, const std::string& id,
                   const std::string& reason) {
  std::fprintf(stderr, "rejected %s:%lld%s%s: %s\n", origin.file.c_str(),
               origin.line, id.empty() ? "" : " id=", id.c_str(),
               reason.c_str());
}

class UpsertCommand final : public Command {
 public:
  explicit UpsertCommand(CLI::App& app)
      : Command(app.add_subcommand(
            "upsert",
            "Create or replace records from JSONL files (one "
            "helixmatch.v1.Record per line), streamed through Ingest: each "
            "good record is kept, each bad one reported")) {
    parser_->add_option("files", files_, "JSONL files")->required();
  }

  // Exit status: 0 all accepted, 3 some rejected (as helixmatch-indexer
  // import), 2 refused, 1 unreachable.
  int Run(Connection& connection) const override {
    v1::IngestResponse response;
    auto writer = connection.stub().Ingest(connection.context(), &response);
    std::vector<Origin> sent;  // by stream position
    long long local_rejects = 0;
    bool stream_broken = false;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    for (const std::string& file : files_) {
      std::ifstream in(file);
      if (!in) {
        std::fprintf(stderr, "helixmatch: cannot open '%s'\n", file.c_str());
        writer->WritesDone();
        writer->Finish();
        return 2;
      }
      std::string line;
      long long number = 0;
      while (!stream_broken && std::getline(in, line)) {
        ++number;
        const auto trimmed = absl::StripAsciiWhitespace(line);
        if (trimmed.empty() || trimmed.front() == '#') continue;
        v1::IngestRequest request;
        const auto status = google::protobuf::util::JsonStringToMessage(
            google::protobuf::StringPiece(trimmed.data(), trimmed.size()),
            request.mutable_record(), options);
        if (!status.ok()) {
          PrintRejected(
              {file, number}, "",
              "malformed record: " + std::string(status.message().data(),
                                                 status.message().size()));
          ++local_rejects;
          continue;
        }
        sent.push_back({file, number});
        // A failed write means the server ended the call; Finish says why.
        stream_broken = !writer->Write(request);
      }
    }
    writer->WritesDone();
    const grpc::Status status = writer->Finish();
    if (!status.ok()) return ReportFailure(status);
    for (const auto& e : response.rejected()) {
      const size_t position = static_cast<size_t>(e.position());
      PrintRejected(position < sent.size() ? sent[position] : Origin{"?", 0},
                    e.id(), e.message());
    }
    const long long rejected = local_rejects + response.rejected_size();
    std::printf("accepted %lld records, rejected %lld\n",
                static_cast<long long>(response.accepted()), rejected);
    return rejected == 0 ? 0 : 3;
  }

 private:
  std::vector<std::string> files_;
};

class DeleteCommand final : public Command {
 public:
  explicit DeleteCommand(CLI::App& app)
      : Command(app.add_subcommand("delete", "Delete one record")) {
    parser_
        ->add_option("kind", kind_,
                     "organization, capability, need, tie or outcome")
        ->required();
    parser_->add_option("id", id_, "Record id")->required();
  }

  int Run(Connection& connection) const override {
    v1::DeleteRequest request;
    v1::RecordKind kind;
    if (!ParseEnumOption("kind", "RECORD_KIND_", kind_, v1::RecordKind_Parse,
                         &kind)) {
      return 2;
    }
    request.set_kind(kind);
    request.set_id(id_);
    v1::DeleteResponse response;
    const grpc::Status status =
        connection.stub().Delete(connection.context(), request, &response);
    if (!status.ok()) return ReportFailure(status);
    std::printf("deleted %s %s\n", kind_.c_str(), id_.c_str());
    return 0;
  }

 private:
  std::string kind_, id_;
};

}  // namespace

std::unique_ptr<Command> AddUpsertCommand(CLI::App& app) {
  return std::make_unique<UpsertCommand>(app);
}

std::unique_ptr<Command> AddDeleteCommand(CLI::App& app) {
  return std::make_unique<DeleteCommand>(app);
}

}  // namespace helixmatch
