// The VM's compact executable form of a MIR module: flat register bytecode
// (ops.def) per function, plus the module-wide tables the interpreter reads
// (source locations, argument lists, call-method sites, method caches).
// docs/vm.md describes the encoding, frame layout and call convention.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "mir/mir.h"
#include "reml_runtime.h"
#include "vm/ptr_types.h"

namespace hako::vm {

// VM opcodes, numbered in ops.def order.
enum class OpCode : uint16_t {
#define OP(name, doc) name,
#include "vm/ops.def"
#undef OP
};

// Number of VM opcodes.
inline constexpr uint32_t kOpCount = 0
#define OP(name, doc) +1
#include "vm/ops.def"
#undef OP
    ;

// The mnemonic of a VM opcode, for dumps and tests.
const char* opcode_name(OpCode op);

// One register: every SSA value lives in one 64-bit slot, read as the member
// its MIR tag implies (Int/Bool: i, Float: f, objects: p, Handle: u).
union Slot {
  int64_t i;
  uint64_t u;
  double f;
  void* p;
  const void* cp;
};
static_assert(sizeof(Slot) == 8);

// Slots below a frame's base: return pc, caller fp, and the caller's result
// register (low 32 bits) with a result conversion (RetConv, high 32 bits).
inline constexpr uint32_t kFrameHeader = 3;
inline constexpr int kHdrRetPc = -3;
inline constexpr int kHdrCallerFp = -2;
inline constexpr int kHdrMeta = -1;

// How a callee's raw result is converted on return: call_method callers want
// a Handle whatever the method's return tag is. BoxPtr carries the pointer's
// CTypeId in the bits above kRetConvBits.
enum class RetConv : uint32_t { None = 0, BoxInt = 1, BoxFloat = 2, BoxBool = 3, BoxPtr = 4 };
inline constexpr uint32_t kRetConvBits = 8;

// One bytecode instruction (32 bytes). `op` is the opcode number until the
// program is linked, then the address of the interpreter's handler (direct
// threading).
struct Code {
  const void* op;
  uint32_t a, b, c, d;
  union {
    int64_t i;
    uint64_t u;
    double f;
    const void* p;
  } x;
};
static_assert(sizeof(Code) == 32);

// The bytecode of one MIR function.
struct FuncCode {
  std::string name;
  std::vector<Code> code;    // prologue (constants), blocks, edge stubs
  std::vector<OpCode> ops;   // opcode of each instruction, for dumps and tests
  const Code* entry = nullptr;  // code.data() once linked
  uint32_t frame_size = 0;   // registers: values, parallel-copy scratch, result sink
  std::vector<mir::Tag> params;
  mir::Tag ret;
  uint32_t box = mir::kNone;  // owning user box of a method
};

// A call_method site: its receiver and arguments, the method name resolved
// once at load, and an inline cache of the last user box seen.
struct MethodSite {
  uint32_t name_key = 0;     // canonical name id (see Program::method_key)
  int32_t builtin = -1;      // reml_builtin_method_id(name)
  const char* name = "";
  uint32_t recv = 0;         // receiver register
  std::vector<uint32_t> args;       // argument registers (receiver excluded)
  std::vector<mir::Tag> arg_tags;   // their tags, to box non-Handles
  uint32_t cache_tag = 0;           // user type tag of the cached lookup (0: none)
  const FuncCode* cache_fn = nullptr;  // the method found for cache_tag, or null
};

// A get_field_h / set_field_h site: the field name, and an inline cache of
// the last user box seen there with the field's slot in it. A set site
// caches only fields that are not weak, so a hit needs no weak-field check.
struct FieldSite {
  // No object has this tag (REML_TAG_RAW is 0): the cache starts empty.
  static constexpr uint32_t kNoTag = UINT32_MAX;
  const char* name = "";
  uint32_t cache_tag = kNoTag;  // a user type tag once filled
  uint32_t cache_slot = 0;
};

// The FFI structures of a program (vm/ffi_tables.h).
struct FfiTables;

// The translated module, shared by every invocation. Not movable: the
// interpreter holds pointers into its tables.
struct Program {
  Program();
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;
  // Frees the FFI structures (callback closures included).
  ~Program();

  // The module's source files (mir::Module::sources): runtime-error
  // locations point at these strings.
  std::vector<std::string> sources;
  // The C string runtime errors print for source file `file` ("" when the
  // module lists none).
  const char* source_name(uint32_t file) const { return file < sources.size() ? sources[file].c_str() : ""; }
  std::vector<FuncCode> funcs;            // indexed by mir::FuncId
  std::vector<reml_loc_t> locs;           // runtime-error locations
  std::vector<uint32_t> pool;             // argument register lists
  std::vector<std::unique_ptr<MethodSite>> sites;
  std::vector<std::unique_ptr<FieldSite>> field_sites;
  std::vector<reml_string_t*> strings;    // immortal literal per pool index (null if unused)
  std::vector<const char*> pool_cstr;     // pool strings as C strings (field and method names)
  std::vector<uint32_t> canonical;        // pool index -> first index with the same text
  // Per user box: (canonical name id << 32 | arity) -> method.
  std::vector<std::unordered_map<uint64_t, const FuncCode*>> methods;
  std::vector<const FuncCode*> to_string;  // per user box: its toString/0 or null
  uint32_t max_frame = 0;                  // largest frame_size + kFrameHeader
  mir::FuncId entry = mir::kNoFunc;
  reml_string_t* null_text = nullptr;      // "null", for to_str of Void
  PtrTypes ptr_types;                      // descriptors of the module's pointer types
  // Struct types, extern bridges, call_c sites, callbacks (declared after
  // ptr_types, which struct types point into: freed before them).
  std::unique_ptr<FfiTables> ffi;

  // The method-table key of a name (canonical pool id) and arity.
  static uint64_t method_key(uint32_t name_id, uint32_t arity) {
    return (static_cast<uint64_t>(name_id) << 32) | arity;
  }
  // The method of user box `box` with this key, or null.
  const FuncCode* find_method(uint32_t box, uint64_t key) const;
  // The descriptor of pointer tag `t` (an internal error when it has none).
  const reml_ptr_type_t* ptr_type(mir::Tag t) const;
};

}  // namespace hako::vm
