// Where things live in a data folder:
//   DIR/store/                 the RecordStore (RocksDB)
//   DIR/index/capabilities.hxidx, DIR/index/needs.hxidx
//                              the vector index files (index_snapshot.h)
#ifndef HELIXMATCH_INDEXER_DATA_DIR_H_
#define HELIXMATCH_INDEXER_DATA_DIR_H_

#include <string>

#include "helixmatch/v1/records.pb.h"

namespace helixmatch {

struct DataDir {
  std::string root;
  std::string StorePath() const { return root + "/store"; }
  std::string IndexFolder() const { return root + "/index"; }
  // The index file of `kind`, RECORD_KIND_CAPABILITY or RECORD_KIND_NEED.
  std::string IndexPath(v1::RecordKind kind) const {
    return IndexFolder() + (kind == v1::RECORD_KIND_NEED
                                ? "/needs.hxidx"
                                : "/capabilities.hxidx");
  }
};

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_DATA_DIR_H_
