#include "vm/dyn_paths.h"

namespace hako::vm {

const void* dyn_call_fn(mir::Op op) {
  switch (op) {
#define HAKO_DYN_SPLIT(name, ...) HAKO_DYN_SELECT(name, __VA_ARGS__)
#define HAKO_DYN_SELECT(name, path, fn_symbol) HAKO_DYN_##path(name, fn_symbol)
#define HAKO_DYN_NO(name, fn_symbol)
#define HAKO_DYN_YES(name, fn_symbol) \
  case mir::Op::name:                 \
    return reinterpret_cast<const void*>(&fn_symbol);
#define DYN_NONE NO, -
#define DYN_FAST(inline_fn, native_fn) NO, -
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
    default: return nullptr;
  }
}

}  // namespace hako::vm
