// SSA liveness of slot-bound values at chosen blocks (internal to src/region).
#pragma once

#include <vector>

#include "mir/mir.h"
#include "mir/verify_cfg.h"

namespace hako::region::detail {

// For every block `b` with wanted[b], the values bound to a slot
// (f.value_slot) that are live on entry to `b`, ascending; empty for the
// other blocks. A phi operand is used at the end of its predecessor, and a
// phi's own value is defined at the start of its block (so it is not live
// into it). Cost: the number of uses plus the blocks each value is live through.
std::vector<std::vector<mir::ValueId>> slot_values_live_in(const mir::Function& f, const mir::verify_detail::Cfg& cfg,
                                                           const std::vector<bool>& wanted);

}  // namespace hako::region::detail
