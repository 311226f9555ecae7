#include "indexer/corpus.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"

namespace helixmatch {

std::string DataDir::IndexPath(v1::RecordKind kind) const {
  return absl::StrCat(IndexFolder(), "/",
                      kind == v1::RECORD_KIND_NEED ? "needs" : "capabilities",
                      ".hxidx");
}

std::string CapabilityText(const v1::CapabilityProfile& profile) {
  return absl::StrCat(profile.title(), ". ", profile.unit(), ". ",
                      profile.description(), ". ",
                      absl::StrJoin(profile.keywords(), ", "));
}

std::string NeedText(const v1::FirmNeed& need) {
  return absl::StrCat(need.title(), ". ", need.description(), ". ",
                      absl::StrJoin(need.keywords(), ", "));
}

std::string EncodeVector(std::span<const float> vector) {
  std::string bytes(vector.size() * sizeof(float), '\0');
  if (!bytes.empty()) std::memcpy(bytes.data(), vector.data(), bytes.size());
  return bytes;
}

absl::StatusOr<std::vector<float>> DecodeVector(absl::string_view bytes,
                                                int dimension) {
  if (bytes.size() != static_cast<size_t>(dimension) * sizeof(float)) {
    return absl::DataLossError(absl::StrCat("stored vector is ", bytes.size(),
                                            " bytes, expected ",
                                            dimension * sizeof(float)));
  }
  std::vector<float> vector(dimension);
  if (!bytes.empty()) std::memcpy(vector.data(), bytes.data(), bytes.size());
  return vector;
}

absl::StatusOr<BuiltVectorIndex> BuildVectorIndex(
    const RecordStore& store, v1::RecordKind kind, int dimension,
    const VectorIndexOptions& options) {
  std::vector<float> vectors;
  BuiltVectorIndex built;
  const bool needs = kind == v1::RECORD_KIND_NEED;
  auto status = store.ForEach(
      kind, [&](absl::string_view id, absl::string_view value) -> absl::Status {
        std::string vector_bytes;
        if (needs) {
          storage::StoredNeed need;
          if (!need.ParseFromArray(value.data(),
                                   static_cast<int>(value.size())))
            return absl::DataLossError(
                absl::StrCat("stored need '", id, "' does not parse"));
          vector_bytes = need.vector();
        } else {
          storage::StoredCapability capability;
          if (!capability.ParseFromArray(value.data(),
                                         static_cast<int>(value.size())))
            return absl::DataLossError(
                absl::StrCat("stored capability '", id, "' does not parse"));
          vector_bytes = capability.vector();
        }
        auto vector = DecodeVector(vector_bytes, dimension);
        if (!vector.ok()) {
          return absl::DataLossError(
              absl::StrCat(needs ? "need '" : "capability '", id,
                           "': ", vector.status().message()));
        }
        vectors.insert(vectors.end(), vector->begin(), vector->end());
        built.slot_ids.emplace_back(id);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  auto index = VectorIndex::Create(
      dimension, static_cast<int64_t>(built.slot_ids.size()), options);
  if (!index.ok()) return index.status();
  if (!vectors.empty()) {
    if (auto added = (*index)->Add(vectors); !added.ok()) {
      return added.status();
    }
  }
  built.index = std::move(*index);
  return built;
}

}  // namespace helixmatch
