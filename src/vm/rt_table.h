// The call_rt dispatch table: one thunk per runtime_calls.def entry, each
// generated from the C function's own signature.
#pragma once

#include <cstdint>

#include "mir/mir.h"
#include "reml_runtime.h"
#include "vm/bytecode.h"

namespace hako::vm {

// Calls one runtime function: reads its arguments from fp[regs[i]], passes
// `loc` when the function takes a location, and stores any result in *dst.
using RtThunk = void (*)(Slot* fp, const uint32_t* regs, Slot* dst, const reml_loc_t* loc);

// The thunk of a runtime function of runtime_calls.def.
RtThunk rt_thunk(mir::RtFn fn);

}  // namespace hako::vm
