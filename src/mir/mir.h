// MIR: the SSA intermediate representation between src/lower and the back
// ends (src/vm now, src/codegen later). A Module holds user box types,
// globals, a string pool and functions; a Function holds basic blocks of
// instructions whose results are SSA values, each carrying a kind tag.
// Instruction meaning is specified in instructions.def; runtime calls in
// runtime_calls.def. Text form: printer.h / text_parser.h; checks: verify.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "mir/hints.h"
#include "mir/ids.h"

namespace hako::mir {

// --- tags ---------------------------------------------------------------------

// The kind of a value, settled by sema (seed 003's value_kind).
enum class Kind : uint8_t {
  Void,     // no data (null)
  Int,      // i64
  Float,    // f64
  Bool,     // 0 or 1
  String,   // reml_string_t*, never null
  Array,    // reml_array_t*, never null (ArrayBox)
  Map,      // reml_map_t*, never null (MapBox)
  Console,  // ConsoleBox object, never null
  Box,      // reml_instance_t* of user box `Tag::box`, never null
  Weak,     // reml_weak_cell_t*: a WeakRef (a weak reference to a box), never null
  Ptr,      // a C pointer (docs/ffi.md): a raw address, not counted; Tag::ctype() is its type
  Handle,   // reml_handle_t: any value, decided at run time
};

struct Tag {
  Kind kind = Kind::Void;
  uint32_t box = 0;  // user box index when kind == Box; the CTypeId when kind == Ptr

  static Tag of(Kind k) { return Tag{k, 0}; }
  static Tag user_box(uint32_t b) { return Tag{Kind::Box, b}; }
  static Tag pointer(CTypeId t) { return Tag{Kind::Ptr, t.index()}; }
  // The pointer type of a Ptr tag.
  CTypeId ctype() const { return CTypeId{box}; }
  bool operator==(const Tag& o) const {
    return kind == o.kind && ((kind != Kind::Box && kind != Kind::Ptr) || box == o.box);
  }
  bool operator!=(const Tag& o) const { return !(*this == o); }
};

// Whether values of the tag are object pointers (String, Array, Map, Console,
// Box, Weak).
bool is_object_kind(Kind k);

// Whether `weak` may take values of the tag: the box kinds (Array, Map,
// Console, Box), and Handle, checked at run time.
bool is_weak_target_kind(Kind k);


// The runtime type tag (REML_TAG_* of reml_runtime.h) of the objects of an
// object tag; nullopt for Void, Int, Float, Bool and Handle, whose values
// are not objects of one type. The one Kind → REML_TAG_* mapping.
std::optional<uint32_t> object_type_tag(Tag t);

// --- opcodes --------------------------------------------------------------------

enum class Op : uint8_t {
#define INST(name, mnemonic, operands, result, flags, ref, consumes, dyn, doc) name,
#include "mir/instructions.def"
#undef INST
};

// The instructions that add and drop one reference to a counted value: the
// weak rows for a WeakRef or for a value that holds a weak reference
// (`weak_ref`), retain and release otherwise.
Op retain_op(Kind k, bool weak_ref);
Op release_op(Kind k, bool weak_ref);

enum OpFlags : uint8_t { NONE = 0, PURE = 1, FAILS = 2, EFFECT = 4, TERM = 8 };

// The reference an instruction's counted result carries (the `ref` column
// of instructions.def, which defines each case).
enum class ResultRef : uint8_t { None, New, Literal, View, Boxed, Printed };

// The operand whose reference an instruction takes over (the `consumes`
// column of instructions.def).
enum class Consumes : uint8_t { Nothing, Operand0, Operand1, PhiIncoming };

// How a back end runs a dynamic operator on Handles (the `dyn` column).
enum class DynPath : uint8_t {
  None,  // not a dynamic operator
  Fast,  // an inline fast path (the VM's own opcode) and its out-of-line copy (native code)
  Call,  // one runtime function, called by both back ends
};

struct OpInfo {
  const char* name;
  const char* mnemonic;
  const char* operands;  // operand letters (instructions.def)
  const char* result;    // result letter
  uint8_t flags;
  ResultRef ref;
  Consumes consumes;
  DynPath dyn;
  const char* dyn_inline;  // C symbol the VM runs (Fast, Call), else null
  const char* dyn_native;  // C symbol native code calls (Fast, Call), else null
  const char* doc;
};
// The table row of `op`.
const OpInfo& op_info(Op op);
// The operand index `in` takes the reference of (Operand0, Operand1), if any;
// phis are not covered (their operands are consumed on their edges).
std::optional<size_t> consumed_operand(Op op);
// The opcode with this mnemonic, if any.
std::optional<Op> op_from_mnemonic(const std::string& mnemonic);
uint32_t op_count();

// --- runtime functions -------------------------------------------------------------

enum class RtFn : uint16_t {
#define RT(name, symbol, result, params, flags) name,
#include "mir/runtime_calls.def"
#undef RT
};

struct RtInfo {
  const char* name;
  const char* symbol;  // C symbol in reml_runtime.h
  const char* result;  // tag letter or "-"
  const char* params;  // tag letters
  bool takes_loc;
};
const RtInfo& rt_info(RtFn fn);
std::optional<RtFn> rt_from_symbol(const std::string& symbol);
uint32_t rt_count();

// The tag a letter of instructions.def / runtime_calls.def stands for
// (I F B S H A M C W); nullopt for other letters.
std::optional<Tag> tag_of_letter(char letter);

// A source position for runtime errors (0:0 when none): line and column in
// the module's source file `file` (an index into Module::sources).
struct Loc {
  uint32_t line = 0;
  uint32_t col = 0;
  uint32_t file = 0;
};

// --- C types (docs/ffi.md) ------------------------------------------------------------

// The class of a C type (ctypes.def).
enum class CClass : uint8_t { Int, UInt, Float, Bool, Void, CStr, Handle, Pointer, FnPointer, Struct };

// The C types of the whitelist, one per row of ctypes.def.
enum class CTypeKind : uint8_t {
#define CTYPE(name, spelling, cls, size, align, arg_min, arg_max) name,
#include "mir/ctypes.def"
#undef CTYPE
};

struct CTypeInfo {
  const char* spelling;
  CClass cls;
  uint32_t size;
  uint32_t align;
  int64_t arg_min;  // Int and UInt: the Ints an argument takes
  int64_t arg_max;
};
// The table row of `k`.
const CTypeInfo& ctype_info(CTypeKind k);
// The row spelled `spelling` ("i32", "CStr", "Ptr" ...), if any.
std::optional<CTypeKind> ctype_from_spelling(const std::string& spelling);
uint32_t ctype_kind_count();

struct Module;

// A field of an extern struct, at its C offset.
struct CField {
  std::string name;
  CTypeId type = kNoCType;
  uint32_t offset = 0;
  bool operator==(const CField& o) const = default;
};

// One interned C type of a module: a row of ctypes.def with, for pointers,
// the pointee, for FnPtr, the signature, and for an extern struct its name,
// the user box that holds its values, its fields and C layout (other fields
// unused). Struct types are nominal: one per box.
struct CType {
  CTypeKind kind = CTypeKind::Void;
  CTypeId pointee = kNoCType;
  std::vector<CTypeId> params;
  CTypeId ret = kNoCType;
  std::string name;             // Struct: the struct's name
  uint32_t box = UINT32_MAX;    // Struct: the box of its values
  std::vector<CField> fields;   // Struct: in declaration order
  uint32_t size = 0;            // Struct: sizeof, with trailing padding
  uint32_t align = 1;           // Struct: alignment
  // A row without pointee, signature or fields (i32, CStr, void ...).
  static CType plain(CTypeKind k) {
    CType c;
    c.kind = k;
    return c;
  }
  // FnPtr<(params) -> ret>.
  static CType fn_ptr(std::vector<CTypeId> params, CTypeId ret) {
    CType c;
    c.kind = CTypeKind::FnPtr;
    c.params = std::move(params);
    c.ret = ret;
    return c;
  }
  bool operator==(const CType& o) const {
    if (kind == CTypeKind::Struct || o.kind == CTypeKind::Struct) return kind == o.kind && box == o.box;
    return kind == o.kind && pointee == o.pointee && params == o.params && ret == o.ret;
  }
};

// Lays out the fields of struct type `t` in C order (each field at its
// natural alignment, the size rounded up to the largest), filling offsets,
// size and align. Nested structs must be laid out already.
void layout_struct(const std::vector<CType>& ctypes, CType& t);
// The size and alignment of C type `t` in memory (a struct's layout, else its row).
uint32_t ctype_size(const Module& m, CTypeId t);
uint32_t ctype_align(const Module& m, CTypeId t);

// The ownership contract of an extern parameter or result (docs/ffi.md).
enum class Ownership : uint8_t { Borrowed, Transferred, Reference };
const char* ownership_name(Ownership o);  // "borrowed", "transferred", "reference"
std::optional<Ownership> ownership_from_name(const std::string& name);

struct ExternParam {
  std::string name;
  CTypeId type = kNoCType;
  Ownership own = Ownership::Borrowed;
};

// An extern "C" function the program calls (already chosen for the target).
struct ExternFn {
  std::string name;     // the Hako name, in messages
  std::string symbol;   // the C symbol (@link_name, else the name)
  std::string library;  // @library, or empty
  std::vector<ExternParam> params;
  bool variadic = false;
  CTypeId ret = kNoCType;
  Ownership ret_own = Ownership::Borrowed;
  Loc loc;  // the declaration
};

// --- ids --------------------------------------------------------------------------

// ValueId, BlockId, FuncId: mir/ids.h. kNone marks a missing plain index
// (a box, a slot, a pool entry).
inline constexpr uint32_t kNone = UINT32_MAX;

// --- instructions ---------------------------------------------------------------------

// One instruction. Which fields are meaningful is given by the opcode's
// operand letters: values in `args`; `imm` for i (and the field index of K);
// `fimm` for f; `ref` for s (string index), @ (function), T and K (box type),
// G (global), R (runtime function); `targets` for b and for P (the
// predecessor of each phi argument, parallel to `args`).
struct Inst {
  Op op = Op::Unreachable;
  ValueId result = kNoValue;  // kNoValue when the instruction yields no value
  Tag tag;                 // the result's tag (meaningful when result != kNoValue)
  std::vector<ValueId> args;
  int64_t imm = 0;
  double fimm = 0.0;
  uint32_t ref = kNone;
  std::vector<BlockId> targets;
  Loc loc;

  // `ref` as the function of an @ operand.
  FuncId func() const { return FuncId{ref}; }
};

struct Block {
  std::vector<Inst> insts;  // phis first, one terminator last
};

// Structured control recorded by lowering for region analysis (seed 004).
// `latch` is the block whose back edge returns to `header` (the continue
// target); `body` is the first block of the loop body.
struct LoopForm {
  BlockId header = kNoBlock, body = kNoBlock, latch = kNoBlock, exit = kNoBlock;
};
struct IfForm {
  BlockId cond = kNoBlock, then_entry = kNoBlock, else_entry = kNoBlock, merge = kNoBlock;
};

// A lexical scope of the source (a function body or a `{ }` block) whose
// bindings are released when control leaves it. Scope 0 is the function
// body; `parent` is kNone for it. Its exits are the `keep` instructions that
// name it.
struct ScopeForm {
  BlockId entry = kNoBlock;
  uint32_t parent = kNone;
};

struct Function {
  std::string name;          // "Box.method/arity", e.g. "Main.main/0"
  uint32_t box = kNone;      // owning user box index for methods with `me`
  bool has_me = false;       // first parameter is the receiver
  std::vector<Tag> params;   // values 0..params.size()-1 are the parameters
  Tag ret = Tag::of(Kind::Void);
  std::vector<Tag> value_tags;  // tag of every value id
  std::vector<Block> blocks;    // block 0 is the entry
  std::vector<LoopForm> loops;
  std::vector<IfForm> ifs;
  std::vector<ScopeForm> scopes;
  // Source variables (parameters, `me`, locals) by slot id, and the slot each
  // value was bound to (kNone for temporaries). Debug and region information
  // only: no back end reads it.
  std::vector<std::string> slot_names;
  std::vector<uint32_t> value_slot;
  // Soft hints (hints.def) of each value, parallel to value_tags but possibly
  // shorter (a missing entry is all hints at their weakest), and of the
  // function itself. Back ends may use them for speed only; see hints.h.
  std::vector<HintSet> value_hints;
  HintSet hints;

  uint32_t value_count() const { return static_cast<uint32_t>(value_tags.size()); }
  // The soft hints of value `v` (all weakest when none are recorded).
  HintSet hints_of(ValueId v) const { return v < value_hints.size() ? value_hints[v] : HintSet{}; }
};

struct Field {
  std::string name;
  bool is_weak = false;
};

// A user box type. Static boxes have no instances: their fields are globals.
struct BoxType {
  std::string name;
  std::vector<Field> fields;
  // Methods callable on instances: name/arity (arity without me) to function.
  struct Method {
    std::string name;
    uint32_t arity = 0;
    FuncId func = kNoFunc;
  };
  std::vector<Method> methods;
};

struct Global {
  std::string name;  // "Box.field"
};

// The name of the entry function lowering adds for an instance `box Main`
// whose main takes `arity` parameters (no user method has it: theirs all
// start with "Box.").
inline std::string instance_entry_name(uint32_t arity) { return "entry/" + std::to_string(arity); }

struct Module {
  // The .hako files of the program, for runtime error locations (Loc::file
  // indexes it): the main file first, then the files its `using` lines
  // name. Empty when unknown.
  std::vector<std::string> sources;
  // The main file's path ("" when the module lists no sources).
  std::string main_source() const { return sources.empty() ? std::string() : sources.front(); }
  std::vector<BoxType> boxes;
  std::vector<Global> globals;
  std::vector<std::string> strings;  // string pool (const_s, call_method names, field names)
  std::unordered_map<std::string, uint32_t> string_ids;  // strings[i] → i, maintained by intern
  std::vector<Function> functions;
  // The C types extern declarations use, each once (intern_ctype), and the
  // extern functions (docs/ffi.md).
  std::vector<CType> ctypes;
  std::vector<ExternFn> externs;
  FuncId entry = kNoFunc;  // Main.main/0 or Main.main/1
  // Whether reference counting is explicit (src/rc has run: retain/release
  // present, keep gone). Back ends run only such modules.
  bool rc_explicit = false;

  // The pool index of `s`, adding it if new.
  uint32_t intern(const std::string& s);
  // The function with this name, or kNoFunc.
  FuncId find_function(const std::string& name) const;
  // The user box with this name, or kNone.
  uint32_t find_box(const std::string& name) const;
  // The id of C type `t`, adding it if new (its pointee and signature must
  // already be interned).
  CTypeId intern_ctype(const CType& t);
  // The extern function with this Hako name, if any.
  std::optional<ExternId> find_extern(const std::string& name) const;
};

// The spelling of C type `t` as written in Hako: "Ptr<u8>",
// "FnPtr<(i32, i32) -> i32>".
std::string ctype_text(const Module& m, CTypeId t);

// Whether a parameter of pointer type `to` accepts a pointer of type `from`
// (docs/ffi.md, "Pointers"; the runtime's reml_ptr_accepts decides).
bool pointer_accepts(const Module& m, CTypeId to, CTypeId from);

// The runtime's description of pointer (or FnPtr) type `t`, as the strings
// and flavour of a reml_ptr_type_t: both back ends build their descriptors
// from it, and pointer_accepts compares two of them.
struct PtrTypeText {
  std::string name;     // "MutPtr<u8>"
  std::string pointee;  // "u8"; an FnPtr is its own pointee
  uint32_t flavour;     // REML_PTR_CONST, REML_PTR_MUT or REML_PTR_NONNULL
};
PtrTypeText ptr_type_text(const Module& m, CTypeId t);

// The runtime's kind (reml_cfield_kind_t) of an extern struct field of C
// type `k`; nullopt for a type no struct holds (void, CStr, Handle). Both
// back ends build their struct descriptors from it.
std::optional<uint32_t> cfield_kind(CTypeKind k);

// The name of argument `k` (0-based) of a call to `x` in FFI runtime errors:
// the declared parameter's name, or `#<k+1>` for a variadic argument.
std::string extern_param_name(const ExternFn& x, size_t k);

// Whether a variadic argument may have kind `k`: Int, Float, Bool, String
// or a pointer (C's default promotions, docs/ffi.md "Varargs").
bool is_vararg_kind(Kind k);

// Where a C type meets a Hako value.
enum class CSide : uint8_t { Argument, Result };
// The tag of the Hako value for C type `t` on `side` (docs/ffi.md, "Types"):
// Int, Float, Bool, Void, String (a CStr argument), Handle (a CStr result,
// Handle), or the pointer tag; nullopt where the type cannot appear (void
// argument).
std::optional<Tag> hako_tag_of_ctype(const Module& m, CTypeId t, CSide side);

// The name of a tag as printed in MIR text and messages: Int, Box(Point) ...
std::string tag_name(const Module& m, Tag t);

}  // namespace hako::mir
