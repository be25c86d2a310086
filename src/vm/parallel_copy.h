// Sequentialising the parallel copies that phis place on a control-flow edge.
#pragma once

#include <cstdint>
#include <vector>

namespace hako::vm {

// One register-to-register move: dst = src.
struct Move {
  uint32_t dst;
  uint32_t src;
};

// Orders a parallel copy (all destinations distinct, every source read before
// any destination is written) into sequential moves with the same effect.
// Cycles, such as the swap `a, b = b, a`, are broken through `scratch`, a
// register that is neither a source nor a destination.
std::vector<Move> sequentialize(std::vector<Move> parallel, uint32_t scratch);

}  // namespace hako::vm
