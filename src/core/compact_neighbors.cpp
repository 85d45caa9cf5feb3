// Re-packing of a neighbour list into (neighbour, shift index) pairs.
#include "slhmc/core/compact_neighbors.hpp"

#include <map>

namespace slhmc {

void CompactNeighbors::sync(const NeighborList& list) {
  if (synced_list_ == &list && synced_build_ == list.build_count()) return;
  const std::size_t n = list.num_atoms();
  offsets_.assign(n + 1, 0);
  pairs_.resize(list.total_entries());
  shifts_.clear();
  std::map<std::array<int, 3>, int> shift_id;  // a list holds few distinct images
  std::size_t q = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (const NeighborEntry& e : list.neighbors(i)) {
      auto [it, added] = shift_id.try_emplace(e.image, static_cast<int>(shifts_.size()));
      if (added) shifts_.push_back(e.shift);  // the same image always has the same shift
      pairs_[q++] = Pair{e.j, it->second};
    }
    offsets_[i + 1] = q;
  }
  synced_list_ = &list;
  synced_build_ = list.build_count();
}

}  // namespace slhmc
