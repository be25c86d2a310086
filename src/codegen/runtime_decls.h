// Declarations of the C runtime (runtime/include/reml_runtime.h) in an LLVM
// module. Two tables drive every declaration: runtime_calls.def for the
// functions MIR names with `call_rt`, and HAKO_RUNTIME_ENTRIES below for the
// rest of what the lowering and the module glue call. Nothing else declares
// a runtime function, so each symbol has one signature and one attribute set.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/Module.h>

#include "mir/mir.h"

namespace hako::codegen {

// Attribute sets of runtime entries. Every entry is nounwind: the runtime is
// C and nothing unwinds through it (user errors exit the process), including
// the entries that re-enter user code through the to-string hook.
enum RtAttr : uint32_t {
  RT_NONE = 0,
  RT_NORETURN = 1,   // never returns (exits the process)
  RT_COLD = 2,       // an error path
  RT_NOALIAS = 4,    // the result is a fresh allocation: noalias, nonnull, align 8
  RT_READNONE = 8,   // memory(none): a function of its arguments only
  RT_READONLY = 16,  // memory(read): reads memory, writes none
  RT_ARGREAD = 32,   // memory(argmem: read): reads only through pointer arguments
};

// Signature letters of HAKO_RUNTIME_ENTRIES: v void (result only), l 64-bit
// integer (int64_t, reml_handle_t, size_t: every supported target is 64-bit),
// u 32-bit integer (uint32_t, int32_t, int), d double, p pointer, and a
// trailing '.' for C varargs.
//
//   X(Name, c_symbol, "result", "params", attributes)
#define HAKO_RUNTIME_ENTRIES(X)                                                  \
  /* seed API (seed 000 §6.1): always declared */                                \
  X(MemAlloc, mem_alloc, "p", "l", RT_NOALIAS)                                   \
  X(IncRef, inc_ref, "v", "p", RT_NONE)                                          \
  X(DecRef, dec_ref, "v", "p", RT_NONE)                                          \
  X(Panic, panic, "v", "pl", RT_NORETURN | RT_COLD)                              \
  /* errors and process lifetime */                                              \
  X(PanicAt, reml_panic_at, "v", "pp.", RT_NORETURN | RT_COLD)                   \
  X(InternalError, reml_internal_error, "v", "p.", RT_NORETURN | RT_COLD)        \
  X(StackOverflow, reml_stack_overflow, "v", "p", RT_NORETURN | RT_COLD)         \
  X(RuntimeInit, reml_runtime_init, "v", "", RT_NONE)                            \
  X(Exit, reml_exit, "v", "u", RT_NORETURN)                                      \
  X(ExitStatusOf, reml_exit_status_of, "u", "l", RT_NONE)                        \
  X(Finish, reml_finish, "u", "puu", RT_NONE)                                    \
  X(ExitTeardownNeeded, reml_exit_teardown_needed, "u", "", RT_NONE)             \
  X(RegisterBoxTypes, reml_register_box_types, "v", "pu", RT_NONE)               \
  X(SetToStringHook, reml_set_to_string_hook, "v", "p", RT_NONE)                 \
  X(Strlen, strlen, "l", "p", RT_ARGREAD)                                        \
  X(StackSize, reml_stack_size, "l", "", RT_NONE)                                \
  /* fast paths (bitcode linked into -O2 modules) */                             \
  X(FpBoxI64, reml_fp_box_i64, "l", "l", RT_NONE)                                \
  X(FpUnboxI64, reml_fp_unbox_i64, "l", "lp", RT_NONE)                           \
  X(FpTag, reml_fp_tag, "u", "l", RT_READONLY)                                   \
  X(FpRetain, reml_fp_retain, "v", "l", RT_NONE)                                 \
  X(FpRelease, reml_fp_release, "v", "l", RT_NONE)                               \
  X(FpAdd, reml_fp_add, "l", "llp", RT_NONE)                                     \
  X(FpSub, reml_fp_sub, "l", "llp", RT_NONE)                                     \
  X(FpMul, reml_fp_mul, "l", "llp", RT_NONE)                                     \
  X(FpDiv, reml_fp_div, "l", "llp", RT_NONE)                                     \
  X(FpMod, reml_fp_mod, "l", "llp", RT_NONE)                                     \
  X(FpLt, reml_fp_lt, "l", "llp", RT_NONE)                                       \
  X(FpLe, reml_fp_le, "l", "llp", RT_NONE)                                       \
  X(FpGt, reml_fp_gt, "l", "llp", RT_NONE)                                       \
  X(FpGe, reml_fp_ge, "l", "llp", RT_NONE)                                       \
  X(FpEq, reml_fp_eq, "l", "ll", RT_READONLY)                                    \
  X(FpNe, reml_fp_ne, "l", "ll", RT_READONLY)                                    \
  X(FpTruthy, reml_fp_truthy, "l", "lp", RT_NONE)                                \
  /* boxing and kind checks */                                                   \
  X(BoxF64, reml_box_f64, "l", "d", RT_NONE)                                     \
  X(BoxBool, reml_box_bool, "l", "l", RT_NONE)                                   \
  X(UnboxF64, reml_unbox_f64, "d", "lp", RT_NONE)                                \
  X(UnboxBool, reml_unbox_bool, "l", "lp", RT_NONE)                              \
  X(UnboxObject, reml_unbox_object, "p", "lup", RT_NONE)                         \
  X(UnboxVoid, reml_unbox_void, "v", "lp", RT_NONE)                              \
  X(HKindName, reml_h_kind_name, "p", "l", RT_READONLY)                          \
  /* dynamic operators */                                                        \
  X(DynNeg, reml_dyn_neg, "l", "lp", RT_NONE)                                    \
  X(DynBitAnd, reml_dyn_bitand, "l", "llp", RT_NONE)                             \
  X(DynBitOr, reml_dyn_bitor, "l", "llp", RT_NONE)                               \
  X(DynBitXor, reml_dyn_bitxor, "l", "llp", RT_NONE)                             \
  X(DynShl, reml_dyn_shl, "l", "llp", RT_NONE)                                   \
  X(DynShr, reml_dyn_shr, "l", "llp", RT_NONE)                                   \
  X(DynBitNot, reml_dyn_bitnot, "l", "lp", RT_NONE)                              \
  /* numbers */                                                                  \
  X(I64Div, reml_i64_div, "l", "llp", RT_NONE)                                   \
  X(I64Mod, reml_i64_mod, "l", "llp", RT_NONE)                                   \
  X(F64Mod, reml_f64_mod, "d", "dd", RT_NONE)                                    \
  X(EqI64F64, reml_eq_i64_f64, "l", "ld", RT_READNONE)                           \
  /* strings */                                                                  \
  X(StrNew, reml_str_new, "p", "pl", RT_NONE)                                    \
  X(I64ToString, reml_i64_to_string, "p", "l", RT_NONE)                          \
  X(F64ToString, reml_f64_to_string, "p", "d", RT_NONE)                          \
  X(BoolToString, reml_bool_to_string, "p", "l", RT_NONE)                        \
  X(StrConcat, reml_str_concat, "p", "pp", RT_NONE)                              \
  X(StrEq, reml_str_eq, "l", "pp", RT_ARGREAD)                                   \
  X(StrCmp, reml_str_cmp, "l", "pp", RT_ARGREAD)                                 \
  /* objects */                                                                  \
  X(ArrayNew, reml_array_new, "p", "", RT_NONE)                                  \
  X(MapNew, reml_map_new, "p", "", RT_NONE)                                      \
  X(ConsoleNew, reml_console_new, "p", "", RT_NONE)                              \
  X(WeakNew, nyrt_weak_new, "l", "l", RT_NONE)                                   \
  X(WeakNewChecked, reml_weak_new_checked, "l", "lp", RT_NONE)                   \
  X(WeakDrop, nyrt_weak_drop, "v", "l", RT_NONE)                                 \
  X(WeakFieldCheck, reml_weak_field_check, "v", "lllp", RT_NONE)                 \
  X(InstanceNewN, reml_instance_new_n, "p", "uu", RT_NONE)                       \
  X(InstanceReuse, reml_instance_reuse, "p", "pu", RT_NONE)                      \
  X(DynGetField, reml_dyn_get_field, "l", "lpp", RT_NONE)                        \
  X(DynSetField, reml_dyn_set_field, "v", "lplp", RT_NONE)                       \
  X(CallBuiltin, reml_call_builtin, "l", "luplpp", RT_NONE)                     \
  /* C pointer values (docs/ffi.md "Pointers") */                               \
  X(PtrBoxNew, reml_ptr_box_new, "l", "pp", RT_NONE)                             \
  X(PtrUnbox, reml_ptr_unbox, "p", "lpp", RT_NONE)                               \
  X(PtrToString, reml_ptr_to_string, "p", "p", RT_NONE)                          \
  /* the C FFI boundary (docs/ffi.md): conversions, their errors, handles */     \
  X(FfiRangeError, reml_ffi_range_error, "v", "ppplp", RT_NORETURN | RT_COLD)    \
  X(FfiResultRangeError, reml_ffi_result_range_error, "v", "plp",                \
    RT_NORETURN | RT_COLD)                                                       \
  X(FfiNullArgError, reml_ffi_null_arg_error, "v", "ppp", RT_NORETURN | RT_COLD) \
  X(FfiNullResultError, reml_ffi_null_result_error, "v", "pp",                   \
    RT_NORETURN | RT_COLD)                                                       \
  X(FfiCStrArg, reml_ffi_cstr_arg, "p", "pppp", RT_NONE)                         \
  X(FfiCStrTransfer, reml_ffi_cstr_transfer, "p", "pppp", RT_NONE)               \
  X(FfiCStrResult, reml_ffi_cstr_result, "l", "pl", RT_NONE)                     \
  X(FfiStructPack, reml_ffi_struct_pack, "v", "lppppp", RT_NONE)                 \
  X(FfiStructUnpack, reml_ffi_struct_unpack, "l", "pppp", RT_NONE)               \
  X(HandleRetain, hako_handle_retain, "v", "l", RT_NONE)

// Attributes of runtime_calls.def entries (BUILTIN_FN rows included) beyond
// nounwind, which every entry gets; an entry not listed here gets nothing
// else. Each listed attribute is a promise about the C function that the
// optimizer relies on -- a wrong one is a miscompile -- so an entry is listed
// only after reading its C source:
//   RT_ARGREAD: reads only memory reachable directly through its pointer
//     arguments (a string's inline `len` and `data`, an array's or map's
//     `len`/`size` field), writes no memory, never fails, never re-enters
//     user code.
//
//   X(RtName, attributes)
#define HAKO_RT_CALL_ATTRIBUTES(X)                                               \
  X(StrLen, RT_ARGREAD)         /* runtime/src/string.c: s->len */               \
  X(StrIndexOf, RT_ARGREAD)     /* runtime/src/string_search.c: memchr/memcmp */ \
  X(StrIndexOfFrom, RT_ARGREAD) /* ditto; `from` is clamped, never an error */   \
  X(StrLastIndexOf, RT_ARGREAD) /* ditto */                                      \
  X(StrContains, RT_ARGREAD)    /* ditto */                                      \
  X(StrStartsWith, RT_ARGREAD)  /* ditto */                                      \
  X(StrEndsWith, RT_ARGREAD)    /* ditto */                                      \
  X(ArrayLen, RT_ARGREAD)       /* runtime/src/array.c: a->len */                \
  X(MapSize, RT_ARGREAD)        /* runtime/src/map.c: m->size */

// The runtime entries of HAKO_RUNTIME_ENTRIES.
enum class Rt : uint16_t {
#define HAKO_RT_ENUM(name, symbol, result, params, attrs) name,
  HAKO_RUNTIME_ENTRIES(HAKO_RT_ENUM)
#undef HAKO_RT_ENUM
};

// Declares runtime functions in one module on first use.
class RuntimeDecls {
 public:
  explicit RuntimeDecls(llvm::Module& mod);

  // The declaration of a HAKO_RUNTIME_ENTRIES function.
  llvm::Function* get(Rt fn);
  // The declaration of a runtime_calls.def function (LOC entries take a
  // trailing `const reml_loc_t*`).
  llvm::Function* get(mir::RtFn fn);
  // The runtime's declaration of C symbol `symbol` when it is a runtime
  // function of either table (declared now if it was not), else null. An
  // extern "C" declaration of the same symbol (docs/ffi.md) calls this
  // declaration, so one symbol never gets two LLVM functions.
  llvm::Function* declaration_of(const std::string& symbol);
  // Declares the seed API every module carries (mem_alloc, inc_ref, dec_ref,
  // panic, print_i64), used or not.
  void declare_seed_api();

  // The attributes HAKO_RT_CALL_ATTRIBUTES gives a runtime_calls.def entry
  // (RT_NONE when it is not listed).
  static uint32_t attributes(mir::RtFn fn);
  // The C symbol of an entry.
  static const char* symbol(Rt fn);
  // The parameter letters of an entry.
  static const char* params(Rt fn);
  // The entry declaring C symbol `symbol`, if any (how the `dyn` column of
  // instructions.def names what native code calls).
  static std::optional<Rt> by_symbol(const char* symbol);

 private:
  llvm::Function* declare(const char* symbol, llvm::FunctionType* type, uint32_t attrs);

  llvm::Module& mod_;
  std::vector<llvm::Function*> entries_;  // per Rt
  std::vector<llvm::Function*> calls_;    // per mir::RtFn
};

}  // namespace hako::codegen
