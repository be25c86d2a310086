// The FFI state of a translated program: struct types, extern bridges, call
// sites and callback closures, owned by Program and freed with it at the end
// of a run.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "vm/ffi_call.h"
#include "vm/ffi_callback.h"
#include "vm/struct_types.h"

namespace hako::vm {

struct FfiTables {
  StructTypes structs;  // the extern structs' descriptors and libffi types
  std::vector<std::unique_ptr<ExternBridge>> externs;  // by ExternId
  std::vector<std::unique_ptr<ForeignSite>> sites;
  // One closure per (function, FnPtr signature): key function << 32 | CTypeId.
  std::unordered_map<uint64_t, std::unique_ptr<Callback>> callbacks;
};

}  // namespace hako::vm
