// The runtime functions of the dynamic Handle operators, generated from the
// `dyn` column of src/mir/instructions.def: DynFn<op>::fn is the inline fast
// path the VM's own opcode for `op` runs (DYN_FAST), or the function HBin /
// HUn call (DYN_CALL). An operator without a `dyn` entry has no DynFn, so a
// VM handler that assumes one does not compile.
#pragma once

#include "mir/mir.h"
#include "reml_runtime.h"

namespace hako::vm {

// The runtime function of dynamic operator `op` (specialised below).
template <mir::Op op>
struct DynFn;

#define HAKO_DYN_SPLIT(name, ...) HAKO_DYN_SELECT(name, __VA_ARGS__)
#define HAKO_DYN_SELECT(name, path, fn_symbol) HAKO_DYN_##path(name, fn_symbol)
#define HAKO_DYN_NO(name, fn_symbol)
#define HAKO_DYN_YES(name, fn_symbol)           \
  template <>                                   \
  struct DynFn<mir::Op::name> {                 \
    static constexpr auto fn = &fn_symbol;      \
  };
#define DYN_NONE NO, -
#define DYN_FAST(inline_fn, native_fn) YES, inline_fn
#define DYN_CALL(fn_symbol) YES, fn_symbol
#define INST(name, mnemonic, operands, result, flags, ref, consumes, dyn, doc) HAKO_DYN_SPLIT(name, dyn)
#include "mir/instructions.def"
#undef INST
#undef DYN_NONE
#undef DYN_FAST
#undef DYN_CALL
#undef HAKO_DYN_YES
#undef HAKO_DYN_NO
#undef HAKO_DYN_SELECT
#undef HAKO_DYN_SPLIT

// The DYN_CALL function of `op` as HBin / HUn take it, or null when `op`
// has another path (the translator checks).
const void* dyn_call_fn(mir::Op op);

}  // namespace hako::vm
