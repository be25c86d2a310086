// MIR → bytecode for one function (see docs/vm.md: encoding, constants,
// fused branches, jump threading, phi resolution).
#pragma once

#include "mir/mir.h"
#include "vm/bytecode.h"
#include "vm/translate.h"

namespace hako::vm {

// Fills p.funcs[id].code and .ops from m.functions[id]. Every FuncCode header
// (params, ret, frame_size) must already be set: calls read their callee's.
void translate_function(const mir::Module& m, Program& p, const TranslateOptions& options, mir::FuncId id);

}  // namespace hako::vm
