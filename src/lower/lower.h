// Lower: checked program → MIR module in SSA form, recording LoopForm and
// IfForm for every loop and if.
#pragma once

#include "mir/mir.h"
#include "sema/checked.h"

namespace hako::lower {

mir::Module lower_program(const sema::CheckedProgram& program);

}  // namespace hako::lower
