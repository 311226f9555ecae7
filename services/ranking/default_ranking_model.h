// The default ranking model (data/ranking/default-model.json), built into
// the binary by CMake so that a server started anywhere has it.
#ifndef HELIXMATCH_SERVICES_RANKING_DEFAULT_RANKING_MODEL_H_
#define HELIXMATCH_SERVICES_RANKING_DEFAULT_RANKING_MODEL_H_

#include <string_view>

namespace helixmatch {

extern const std::string_view kDefaultRankingModelJson;
extern const std::string_view kDefaultRankingModelSource;  // for errors

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_RANKING_DEFAULT_RANKING_MODEL_H_
