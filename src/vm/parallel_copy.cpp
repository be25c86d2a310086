#include "vm/parallel_copy.h"

#include <algorithm>

namespace hako::vm {

std::vector<Move> sequentialize(std::vector<Move> pending, uint32_t scratch) {
  std::vector<Move> out;
  std::erase_if(pending, [](const Move& m) { return m.dst == m.src; });
  auto is_read = [&pending](uint32_t reg, size_t except) {
    for (size_t k = 0; k < pending.size(); ++k)
      if (k != except && pending[k].src == reg) return true;
    return false;
  };
  while (!pending.empty()) {
    // A move whose destination nobody still needs can go now.
    bool progressed = false;
    for (size_t k = 0; k < pending.size(); ++k) {
      if (is_read(pending[k].dst, k)) continue;
      out.push_back(pending[k]);
      pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(k));
      progressed = true;
      break;
    }
    if (progressed) continue;
    // Only cycles are left (each destination has one writer, so a stuck set
    // is a union of cycles): save one destination and let its readers read
    // the copy, which turns that cycle into a chain.
    uint32_t saved = pending.front().dst;
    out.push_back(Move{scratch, saved});
    for (Move& m : pending)
      if (m.src == saved) m.src = scratch;
  }
  return out;
}

}  // namespace hako::vm
