#ifndef HELIXMATCH_INDEXER_HNSW_GRAPH_H_
#define HELIXMATCH_INDEXER_HNSW_GRAPH_H_

#include <cstdint>
#include <span>

namespace faiss {
struct IndexHNSWFlat;
struct IDSelector;
}  // namespace faiss

namespace helixmatch {

// Search and insertion on a FAISS inner-product HNSW graph, with our
// InnerProduct kernel instead of FAISS's generic one. The graph and the
// file format stay FAISS's: an index written before loads, and FAISS's own
// search still works on it.

// Appends `n` vectors (n * d floats) to the storage and links them into
// the graph, highest level first and, within a level, in slot order, in
// batches whose searches run on up to `threads` threads. The same vectors
// in the same calls give the same graph, whatever the thread count.
void AddToGraph(faiss::IndexHNSWFlat& index, int64_t n, const float* vectors,
                int threads);

// The k best slots for `query` allowed by `selector` (nullptr: all), best
// first, keeping the max(ef_search, k) best allowed nodes seen. Allocates
// nothing once the calling thread has searched a graph this large.
// `scores` and `slots` hold k entries; unused ones get slot -1.
void SearchGraph(const faiss::IndexHNSWFlat& index,
                 std::span<const float> query, int k, int ef_search,
                 const faiss::IDSelector* selector, float* scores,
                 int64_t* slots);

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_HNSW_GRAPH_H_
