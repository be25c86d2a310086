// The run loop: direct-threaded dispatch (each Code holds its handler's
// address; GCC/Clang labels as values). Hako calls never recurse on the C
// stack: a call bumps the frame pointer on the register stack and records
// the return pc, caller fp and result register in the new frame's header.
#include <cstdint>

#include "vm/collections.h"
#include "vm/dyn_paths.h"
#include "vm/field_cache.h"
#include "vm/ffi_call.h"
#include "vm/machine.h"
#include "vm/rt_table.h"

#if !defined(__GNUC__)
#error "the VM's run loop needs labels as values (GCC or Clang)"
#endif

namespace hako::vm {

namespace {

inline int64_t wrap_add(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
inline int64_t wrap_sub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}
inline int64_t wrap_mul(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}

using DynBinary = reml_handle_t (*)(reml_handle_t, reml_handle_t, const reml_loc_t*);
using DynUnary = reml_handle_t (*)(reml_handle_t, const reml_loc_t*);

// A value of tag `t` as a Handle (boxing Int, Float, Bool and C pointers).
reml_handle_t to_handle(const Program& p, mir::Tag t, Slot s) {
  switch (t.kind) {
    case mir::Kind::Int: return reml_box_i64(s.i);
    case mir::Kind::Float: return reml_box_f64(s.f);
    case mir::Kind::Bool: return reml_box_bool(s.i);
    case mir::Kind::Void: return REML_VOID;
    case mir::Kind::Ptr: return reml_ptr_box_new(s.p, p.ptr_type(t));
    default: return s.u;  // Handles, and object pointers which are their own handles
  }
}

// A Handle as a parameter of tag `t`, with the runtime's kind check.
Slot from_handle(const Program& p, mir::Tag t, reml_handle_t h, const reml_loc_t* loc) {
  Slot s{};
  switch (t.kind) {
    case mir::Kind::Int: s.i = reml_unbox_i64(h, loc); break;
    case mir::Kind::Float: s.f = reml_unbox_f64(h, loc); break;
    case mir::Kind::Bool: s.i = reml_unbox_bool(h, loc); break;
    case mir::Kind::Handle: s.u = h; break;
    case mir::Kind::Void:
      reml_unbox_void(h, loc);
      s.u = REML_VOID;
      break;
    case mir::Kind::String:
    case mir::Kind::Array:
    case mir::Kind::Map:
    case mir::Kind::Console:
    case mir::Kind::Weak:
    case mir::Kind::Box: s.p = reml_unbox_object(h, *mir::object_type_tag(t), loc); break;
    case mir::Kind::Ptr: s.p = reml_ptr_unbox(h, p.ptr_type(t), loc); break;
  }
  return s;
}

// The conversion that turns a callee's raw result into a Handle (for a C
// pointer, RetConv::BoxPtr with its CTypeId above kRetConvBits).
uint32_t handle_conversion(mir::Tag t) {
  switch (t.kind) {
    case mir::Kind::Int: return static_cast<uint32_t>(RetConv::BoxInt);
    case mir::Kind::Float: return static_cast<uint32_t>(RetConv::BoxFloat);
    case mir::Kind::Bool: return static_cast<uint32_t>(RetConv::BoxBool);
    case mir::Kind::Ptr: return static_cast<uint32_t>(RetConv::BoxPtr) | (t.ctype().index() << kRetConvBits);
    default: return static_cast<uint32_t>(RetConv::None);  // Void returns 0; objects are their handles
  }
}

[[gnu::noinline]] Slot convert_result(const Program& p, uint32_t conv, Slot v) {
  switch (static_cast<RetConv>(conv & ((1u << kRetConvBits) - 1))) {
    case RetConv::BoxInt: v.u = reml_box_i64(v.i); break;
    case RetConv::BoxFloat: v.u = reml_box_f64(v.f); break;
    case RetConv::BoxBool: v.u = reml_box_bool(v.i); break;
    case RetConv::BoxPtr:
      v.u = reml_ptr_box_new(v.p, p.ptr_type(mir::Tag::pointer(mir::CTypeId{conv >> kRetConvBits})));
      break;
    case RetConv::None: break;
  }
  return v;
}

// The user method a call site reaches on an instance of user type `tag`,
// through the site's one-entry cache.
inline const FuncCode* method_for(const Program& p, MethodSite& s, uint32_t tag) {
  if (tag == s.cache_tag) return s.cache_fn;
  const FuncCode* f =
      p.find_method(tag - REML_TAG_USER_BASE, Program::method_key(s.name_key, static_cast<uint32_t>(s.args.size())));
  s.cache_tag = tag;
  s.cache_fn = f;
  return f;
}

// Writes a user method's arguments (after the receiver) into the new frame,
// converted from the call site's kinds to the method's parameter tags.
[[gnu::noinline]] void bind_method_args(const Program& p, const Slot* fp, Slot* nfp, const MethodSite& s,
                                        const FuncCode& f, const reml_loc_t* loc) {
  for (size_t k = 0; k < s.args.size(); ++k) {
    const mir::Tag want = f.params[k + 1];
    Slot v = fp[s.args[k]];
    if (want.kind != mir::Kind::Handle || s.arg_tags[k].kind != mir::Kind::Handle)
      v = from_handle(p, want, to_handle(p, s.arg_tags[k], v), loc);
    nfp[k + 1] = v;
  }
}

// A built-in method (or an instance method the box does not define) through
// the runtime.
[[gnu::noinline]] reml_handle_t call_builtin(const Program& p, const Slot* fp, const MethodSite& s,
                                             reml_handle_t recv, const reml_loc_t* loc) {
  constexpr size_t kInline = 8;
  reml_handle_t small[kInline];
  std::vector<reml_handle_t> large;
  reml_handle_t* args = small;
  if (s.args.size() > kInline) {
    large.resize(s.args.size());
    args = large.data();
  }
  for (size_t k = 0; k < s.args.size(); ++k) args[k] = to_handle(p, s.arg_tags[k], fp[s.args[k]]);
  return reml_call_builtin(recv, s.builtin, s.name, static_cast<int64_t>(s.args.size()), args, loc);
}

[[noreturn, gnu::noinline]] void unreachable_reached() {
  reml_internal_error("the VM reached an `unreachable` instruction");
}

// The run loop; with `table` set it only reports the handler addresses.
void run_loop(Machine* vm, const Code* pc, Slot* fp, const void* const** table) {
  static const void* const kHandlers[] = {
#define OP(name, doc) &&L_##name,
#include "vm/ops.def"
#undef OP
  };
  static_assert(sizeof kHandlers / sizeof kHandlers[0] == kOpCount);
  if (table != nullptr) {
    *table = kHandlers;
    return;
  }

  Program& prog = *vm->prog;
  Slot* const limit = vm->stack_limit;
  const reml_loc_t* const locs = prog.locs.data();
  const uint32_t* const pool = prog.pool.data();
  reml_handle_t* const globals = vm->globals.data();

#define NEXT() goto* pc->op
#define STEP()  \
  do {          \
    ++pc;       \
    NEXT();     \
  } while (0)
#define A fp[pc->a]
#define B fp[pc->b]
#define C fp[pc->c]
#define LOC (locs + pc->d)
#define JUMP_IF(cond)                                \
  do {                                               \
    if (cond) {                                      \
      pc += static_cast<int32_t>(pc->d);             \
    } else {                                         \
      ++pc;                                          \
    }                                                \
    NEXT();                                          \
  } while (0)
// Before a runtime call that may run a user toString() on this stack.
#define SYNC()         \
  do {                 \
    vm->cur_fp = fp;   \
    vm->cur_pc = pc;   \
  } while (0)
// Pushes the header of frame `nfp`, called from pc, returning into pc->a.
#define PUSH_FRAME(nfp, conv)                                                            \
  do {                                                                                   \
    (nfp)[kHdrRetPc].cp = pc + 1;                                                        \
    (nfp)[kHdrCallerFp].p = fp;                                                          \
    (nfp)[kHdrMeta].u = (static_cast<uint64_t>(conv) << 32) | static_cast<uint64_t>(pc->a); \
  } while (0)

  NEXT();

  // --- moves ---
L_Mov:
  A = B;
  STEP();
L_LoadImm:
  A.u = pc->x.u;
  STEP();

  // --- Int ---
L_AddI:
  A.i = wrap_add(B.i, C.i);
  STEP();
L_AddIImm:
  A.i = wrap_add(B.i, pc->x.i);
  STEP();
L_SubI:
  A.i = wrap_sub(B.i, C.i);
  STEP();
L_MulI:
  A.i = wrap_mul(B.i, C.i);
  STEP();
L_MulIImm:
  A.i = wrap_mul(B.i, pc->x.i);
  STEP();
L_DivI : {
  const int64_t d = C.i;
  A.i = __builtin_expect(d != 0 && d != -1, 1) ? B.i / d : reml_i64_div(B.i, d, LOC);
  STEP();
}
L_DivIImm:
  A.i = B.i / pc->x.i;
  STEP();
L_ModI : {
  const int64_t d = C.i;
  A.i = __builtin_expect(d != 0 && d != -1, 1) ? B.i % d : reml_i64_mod(B.i, d, LOC);
  STEP();
}
L_ModIImm:
  A.i = B.i % pc->x.i;
  STEP();
L_NegI:
  A.i = wrap_sub(0, B.i);
  STEP();
L_AndI:
  A.i = B.i & C.i;
  STEP();
L_OrI:
  A.i = B.i | C.i;
  STEP();
L_XorI:
  A.i = B.i ^ C.i;
  STEP();
L_ShlI:
  A.i = static_cast<int64_t>(B.u << (C.u & 63));
  STEP();
L_ShrI:
  A.i = B.i >> (C.u & 63);
  STEP();
L_NotI:
  A.i = ~B.i;
  STEP();
L_EqI:
  A.i = B.i == C.i;
  STEP();
L_NeI:
  A.i = B.i != C.i;
  STEP();
L_LtI:
  A.i = B.i < C.i;
  STEP();
L_LeI:
  A.i = B.i <= C.i;
  STEP();
L_GtI:
  A.i = B.i > C.i;
  STEP();
L_GeI:
  A.i = B.i >= C.i;
  STEP();
L_EqIImm:
  A.i = B.i == pc->x.i;
  STEP();
L_NeIImm:
  A.i = B.i != pc->x.i;
  STEP();
L_LtIImm:
  A.i = B.i < pc->x.i;
  STEP();
L_LeIImm:
  A.i = B.i <= pc->x.i;
  STEP();
L_GtIImm:
  A.i = B.i > pc->x.i;
  STEP();
L_GeIImm:
  A.i = B.i >= pc->x.i;
  STEP();

  // --- Float ---
L_AddF:
  A.f = B.f + C.f;
  STEP();
L_SubF:
  A.f = B.f - C.f;
  STEP();
L_MulF:
  A.f = B.f * C.f;
  STEP();
L_DivF:
  A.f = B.f / C.f;
  STEP();
L_ModF:
  A.f = reml_f64_mod(B.f, C.f);
  STEP();
L_NegF:
  A.f = -B.f;
  STEP();
L_EqF:
  A.i = B.f == C.f;
  STEP();
L_NeF:
  A.i = B.f != C.f;
  STEP();
L_LtF:
  A.i = B.f < C.f;
  STEP();
L_LeF:
  A.i = B.f <= C.f;
  STEP();
L_GtF:
  A.i = B.f > C.f;
  STEP();
L_GeF:
  A.i = B.f >= C.f;
  STEP();
L_EqIF:
  A.i = reml_eq_i64_f64(B.i, C.f);
  STEP();
L_IToF:
  A.f = static_cast<double>(B.i);
  STEP();

  // --- Bool and String ---
L_NotB:
  A.i = B.i ^ 1;
  STEP();
L_ConcatS:
  A.p = reml_str_concat(static_cast<const reml_string_t*>(B.p), static_cast<const reml_string_t*>(C.p));
  STEP();
L_EqS:
  A.i = reml_str_eq(static_cast<const reml_string_t*>(B.p), static_cast<const reml_string_t*>(C.p));
  STEP();
L_NeS:
  A.i = !reml_str_eq(static_cast<const reml_string_t*>(B.p), static_cast<const reml_string_t*>(C.p));
  STEP();
L_LtS:
  A.i = reml_str_cmp(static_cast<const reml_string_t*>(B.p), static_cast<const reml_string_t*>(C.p)) < 0;
  STEP();
L_LeS:
  A.i = reml_str_cmp(static_cast<const reml_string_t*>(B.p), static_cast<const reml_string_t*>(C.p)) <= 0;
  STEP();
L_GtS:
  A.i = reml_str_cmp(static_cast<const reml_string_t*>(B.p), static_cast<const reml_string_t*>(C.p)) > 0;
  STEP();
L_GeS:
  A.i = reml_str_cmp(static_cast<const reml_string_t*>(B.p), static_cast<const reml_string_t*>(C.p)) >= 0;
  STEP();

  // --- kind conversions ---
L_ToStrI:
  A.p = reml_i64_to_string(B.i);
  STEP();
L_ToStrF:
  A.p = reml_f64_to_string(B.f);
  STEP();
L_ToStrB:
  A.p = reml_bool_to_string(B.i);
  STEP();
L_ToStrH:
  SYNC();
  A.p = reml_h_to_string(B.u);
  STEP();
L_ToStrPtr:
  A.p = reml_ptr_to_string(B.p);
  STEP();
L_BoxI:
  A.u = reml_box_i64(B.i);
  STEP();
L_BoxF:
  A.u = reml_box_f64(B.f);
  STEP();
L_BoxB:
  A.u = reml_box_bool(B.i);
  STEP();
L_BoxPtr:
  A.u = reml_ptr_box_new(B.p, static_cast<const reml_ptr_type_t*>(pc->x.p));
  STEP();
L_UnboxI:
  A.i = reml_unbox_i64(B.u, LOC);
  STEP();
L_UnboxF:
  A.f = reml_unbox_f64(B.u, LOC);
  STEP();
L_UnboxB:
  A.i = reml_unbox_bool(B.u, LOC);
  STEP();
L_UnboxObj:
  A.p = reml_unbox_object(B.u, pc->c, LOC);
  STEP();
L_UnboxPtr:
  A.p = reml_ptr_unbox(B.u, static_cast<const reml_ptr_type_t*>(pc->x.p), LOC);
  STEP();
L_UnboxVoid:
  reml_unbox_void(B.u, LOC);
  A.u = REML_VOID;
  STEP();
L_TruthyF:
  A.i = B.f != 0.0;
  STEP();
L_TruthyS:
  A.i = static_cast<const reml_string_t*>(B.p)->len > 0;
  STEP();
L_TruthyH:
  A.i = DynFn<mir::Op::Truthy>::fn(B.u, LOC);
  STEP();

  // --- dynamic operators (small Ints inline, the rest out of line) ---
L_AddH:
  SYNC();
  A.u = DynFn<mir::Op::AddH>::fn(B.u, C.u, LOC);
  STEP();
L_SubH:
  SYNC();
  A.u = DynFn<mir::Op::SubH>::fn(B.u, C.u, LOC);
  STEP();
L_MulH:
  SYNC();
  A.u = DynFn<mir::Op::MulH>::fn(B.u, C.u, LOC);
  STEP();
L_DivH:
  SYNC();
  A.u = DynFn<mir::Op::DivH>::fn(B.u, C.u, LOC);
  STEP();
L_ModH:
  SYNC();
  A.u = DynFn<mir::Op::ModH>::fn(B.u, C.u, LOC);
  STEP();
L_HBin:
  SYNC();
  A.u = reinterpret_cast<DynBinary>(pc->x.p)(B.u, C.u, LOC);
  STEP();
L_HUn:
  A.u = reinterpret_cast<DynUnary>(pc->x.p)(B.u, LOC);
  STEP();
L_LtH:
  A.i = DynFn<mir::Op::LtH>::fn(B.u, C.u, LOC);
  STEP();
L_LeH:
  A.i = DynFn<mir::Op::LeH>::fn(B.u, C.u, LOC);
  STEP();
L_GtH:
  A.i = DynFn<mir::Op::GtH>::fn(B.u, C.u, LOC);
  STEP();
L_GeH:
  A.i = DynFn<mir::Op::GeH>::fn(B.u, C.u, LOC);
  STEP();
L_EqH:
  A.i = DynFn<mir::Op::EqH>::fn(B.u, C.u);
  STEP();
L_NeH:
  A.i = DynFn<mir::Op::NeH>::fn(B.u, C.u);
  STEP();

  // --- calls ---
L_Call : {
  const auto* entry = static_cast<const Code*>(pc->x.p);
  Slot* nfp = fp + pc->c;
  if (__builtin_expect(nfp > limit, 0)) Machine::stack_overflow(LOC);
  const uint32_t* args = pool + pc->b;
  for (uint32_t k = 0, n = args[0]; k < n; ++k) nfp[k] = fp[args[k + 1]];
  PUSH_FRAME(nfp, RetConv::None);
  fp = nfp;
  pc = entry;
  NEXT();
}
L_Call1 : {
  const auto* entry = static_cast<const Code*>(pc->x.p);
  Slot* nfp = fp + pc->c;
  if (__builtin_expect(nfp > limit, 0)) Machine::stack_overflow(LOC);
  nfp[0] = B;
  PUSH_FRAME(nfp, RetConv::None);
  fp = nfp;
  pc = entry;
  NEXT();
}
L_CallMethod : {
  auto* site = static_cast<MethodSite*>(const_cast<void*>(pc->x.p));
  const reml_handle_t recv = fp[site->recv].u;
  if (reml_h_is_object(recv)) {
    const uint32_t tag = REML_GET_HEADER(reml_h_ptr(recv))->type_tag;
    if (tag >= REML_TAG_USER_BASE) {
      if (const FuncCode* f = method_for(prog, *site, tag)) {
        Slot* nfp = fp + pc->c;
        if (__builtin_expect(nfp > limit, 0)) Machine::stack_overflow(LOC);
        nfp[0].u = recv;
        if (!site->args.empty()) bind_method_args(prog, fp, nfp, *site, *f, LOC);
        PUSH_FRAME(nfp, handle_conversion(f->ret));
        fp = nfp;
        pc = f->entry;
        NEXT();
      }
    }
  }
  SYNC();
  A.u = call_builtin(prog, fp, *site, recv, LOC);
  STEP();
}
L_CallRt:
  SYNC();
  reinterpret_cast<RtThunk>(pc->x.p)(fp, pool + pc->c, &A, LOC);
  STEP();
L_CallC:
  SYNC();  // C may call back into the VM (callbacks run above this frame)
  call_foreign(*static_cast<const ForeignSite*>(pc->x.p), fp, &A, LOC);
  STEP();

  // --- reference counts ---
L_RetainH:
  reml_h_retain(B.u);
  STEP();
L_RetainP:
  reml_inc_ref_inline(B.p);
  STEP();
L_ReleaseH:
  reml_h_release(B.u);
  STEP();
L_ReleaseP:
  reml_dec_ref_inline(B.p);
  STEP();

  // --- objects ---
L_NewBox:
  A.p = reml_instance_new(pc->b);
  STEP();
L_NewBoxReuse:
  A.p = reml_instance_reuse(static_cast<reml_instance_t*>(B.p), pc->c);
  STEP();
L_GetField : {
  const reml_handle_t h = static_cast<const reml_instance_t*>(B.p)->fields[pc->c];
  reml_h_retain(h);  // every register holds an owned reference
  A.u = h;
  STEP();
}
L_BorrowField:
  A.u = static_cast<const reml_instance_t*>(B.p)->fields[pc->c];
  STEP();
L_SetField : {
  auto* obj = static_cast<reml_instance_t*>(B.p);
  const reml_handle_t v = C.u;  // an owned reference the field takes over
  const reml_handle_t old = obj->fields[pc->d];
  obj->fields[pc->d] = v;
  reml_h_release(old);
  STEP();
}
L_GetFieldH : {
  auto* site = static_cast<FieldSite*>(const_cast<void*>(pc->x.p));
  const reml_handle_t obj = B.u;
  if (reml_instance_t* inst = field_cache_hit(*site, obj)) {
    const reml_handle_t v = inst->fields[site->cache_slot];
    reml_h_retain(v);  // every register holds an owned reference
    A.u = v;
    STEP();
  }
  A.u = reml_dyn_get_field(obj, site->name, LOC);
  field_cache_fill(*site, obj, false);
  STEP();
}
L_SetFieldH : {
  auto* site = static_cast<FieldSite*>(const_cast<void*>(pc->x.p));
  const reml_handle_t obj = B.u;
  const reml_handle_t v = C.u;  // borrowed: the field takes a reference of its own
  if (reml_instance_t* inst = field_cache_hit(*site, obj)) {
    reml_h_retain(v);  // first: `v` may be the field's own value
    const reml_handle_t old = inst->fields[site->cache_slot];
    inst->fields[site->cache_slot] = v;
    reml_h_release(old);
    STEP();
  }
  reml_dyn_set_field(obj, site->name, v, LOC);
  field_cache_fill(*site, obj, true);
  STEP();
}
L_GetGlobal : {
  const reml_handle_t h = globals[pc->b];
  reml_h_retain(h);
  A.u = h;
  STEP();
}
L_SetGlobal : {
  const reml_handle_t v = C.u;  // an owned reference the global takes over
  const reml_handle_t old = globals[pc->b];
  globals[pc->b] = v;
  reml_h_release(old);
  STEP();
}
L_NewArray:
  A.p = reml_array_new();
  STEP();
L_NewMap:
  A.p = reml_map_new();
  STEP();
L_NewConsole:
  A.p = reml_console_new();
  STEP();

  // --- ArrayBox and MapBox ---
L_ArrGet:
  A.u = array_get(static_cast<const reml_array_t*>(B.p), C.i);
  STEP();
L_ArrSet : {
  auto* arr = static_cast<reml_array_t*>(B.p);
  if (__builtin_expect(!array_set_fast(arr, C.i, A.u), 0)) {
    SYNC();
    reml_array_set(arr, C.i, A.u, LOC);
  }
  STEP();
}
L_ArrSetI : {
  auto* arr = static_cast<reml_array_t*>(B.p);
  if (__builtin_expect(!array_set_i_fast(arr, C.i, A.i), 0)) {
    SYNC();
    reml_array_set_i(arr, C.i, A.i, LOC);
  }
  STEP();
}
L_ArrLen:
  A.i = static_cast<const reml_array_t*>(B.p)->len;
  STEP();
L_ArrPush : {
  auto* arr = static_cast<reml_array_t*>(B.p);
  if (__builtin_expect(!array_push_fast(arr, C.u), 0)) {
    SYNC();
    reml_array_push(arr, C.u);
  }
  STEP();
}
L_ArrPushI : {
  auto* arr = static_cast<reml_array_t*>(B.p);
  if (__builtin_expect(!array_push_i_fast(arr, C.i), 0)) reml_array_push_i(arr, C.i);
  STEP();
}
L_MapGetI:
  A.u = nyash_map_get_h(static_cast<const reml_map_t*>(B.p), C.i);
  STEP();
L_MapGetH:
  A.u = nyash_map_get_hh(static_cast<const reml_map_t*>(B.p), C.u);
  STEP();
L_MapSetII:
  nyash_map_set_h(static_cast<reml_map_t*>(B.p), C.i, A.i);
  STEP();
L_MapSetIH:
  nyash_map_set_ha(static_cast<reml_map_t*>(B.p), C.i, A.u);
  STEP();
L_MapSetHI:
  nyash_map_set_ah(static_cast<reml_map_t*>(B.p), C.u, A.i);
  STEP();
L_MapSetHH:
  nyash_map_set_hh(static_cast<reml_map_t*>(B.p), C.u, A.u);
  STEP();
L_MapHas:
  SYNC();
  A.i = reml_map_has(static_cast<const reml_map_t*>(B.p), C.u, LOC);
  STEP();
L_MapSize:
  A.i = reml_map_size(static_cast<const reml_map_t*>(B.p));
  STEP();
L_MapHasI:
  A.i = nyash_map_has_h(static_cast<const reml_map_t*>(B.p), C.i);
  STEP();
L_MapAddI : {
  // m.set(k, m.get(k) + a): a small Int added to a small Int value in its
  // slot (nothing to retain or release); anything else runs the five
  // instructions it replaces, in their order, with the add's location.
  auto* map = static_cast<reml_map_t*>(B.p);
  if (__builtin_expect(reml_guard_enabled == 0, 1)) {
    if (reml_handle_t* slot = reml_map_int_value_slot(map, C.i)) {
      const reml_handle_t v = *slot;
      int64_t sum;
      if (reml_h_is_small_int(v) && reml_h_is_small_int(A.u) &&
          !__builtin_add_overflow(static_cast<int64_t>(v) >> 1, static_cast<int64_t>(A.u) >> 1, &sum) &&
          sum >= REML_SMALL_INT_MIN && sum <= REML_SMALL_INT_MAX) {
        *slot = reml_box_i64(sum);
        STEP();
      }
    }
  }
  SYNC();
  const reml_handle_t got = nyash_map_get_h(map, C.i);
  const reml_handle_t sum = DynFn<mir::Op::AddH>::fn(got, A.u, LOC);
  reml_h_release(got);
  nyash_map_set_ha(map, C.i, sum);
  reml_h_release(sum);
  STEP();
}

  // --- WeakRef ---
L_WeakNew:
  A.i = reml_weak_new_inline(B.i);
  STEP();
L_WeakNewH:
  SYNC();
  A.i = reml_weak_new_checked(B.u, LOC);
  STEP();
L_WeakLoad:
  A.i = reml_weak_to_strong_inline(B.i);
  STEP();
L_WeakDrop:
  reml_weak_drop_inline(B.i);
  STEP();
L_CheckWeak:
  SYNC();
  reml_weak_field_check(B.u, C.u, pc->x.i, LOC);
  STEP();

  // --- control flow ---
L_Jmp:
  pc += static_cast<int32_t>(pc->d);
  NEXT();
L_Jnz:
  JUMP_IF(A.i != 0);
L_Jz:
  JUMP_IF(A.i == 0);
L_JEqI:
  JUMP_IF(A.i == B.i);
L_JNeI:
  JUMP_IF(A.i != B.i);
L_JLtI:
  JUMP_IF(A.i < B.i);
L_JLeI:
  JUMP_IF(A.i <= B.i);
L_JGtI:
  JUMP_IF(A.i > B.i);
L_JGeI:
  JUMP_IF(A.i >= B.i);
L_JEqIImm:
  JUMP_IF(A.i == pc->x.i);
L_JNeIImm:
  JUMP_IF(A.i != pc->x.i);
L_JLtIImm:
  JUMP_IF(A.i < pc->x.i);
L_JLeIImm:
  JUMP_IF(A.i <= pc->x.i);
L_JGtIImm:
  JUMP_IF(A.i > pc->x.i);
L_JGeIImm:
  JUMP_IF(A.i >= pc->x.i);
L_IncJLtIImm : {
  const int64_t v = wrap_add(A.i, static_cast<int32_t>(pc->c));
  A.i = v;
  JUMP_IF(v < pc->x.i);
}
L_JEqF:
  JUMP_IF(A.f == B.f);
L_JNeF:
  JUMP_IF(A.f != B.f);
L_JLtF:
  JUMP_IF(A.f < B.f);
L_JLeF:
  JUMP_IF(A.f <= B.f);
L_JGtF:
  JUMP_IF(A.f > B.f);
L_JGeF:
  JUMP_IF(A.f >= B.f);
L_JNLtF:
  JUMP_IF(!(A.f < B.f));
L_JNLeF:
  JUMP_IF(!(A.f <= B.f));
L_JNGtF:
  JUMP_IF(!(A.f > B.f));
L_JNGeF:
  JUMP_IF(!(A.f >= B.f));

L_Ret : {
  Slot v = A;
  const uint64_t meta = fp[kHdrMeta].u;
  pc = static_cast<const Code*>(fp[kHdrRetPc].cp);
  fp = static_cast<Slot*>(fp[kHdrCallerFp].p);
  if (__builtin_expect((meta >> 32) != 0, 0)) v = convert_result(prog, static_cast<uint32_t>(meta >> 32), v);
  fp[static_cast<uint32_t>(meta)] = v;
  NEXT();
}
L_RetImm : {
  Slot v;
  v.u = pc->x.u;
  const uint64_t meta = fp[kHdrMeta].u;
  pc = static_cast<const Code*>(fp[kHdrRetPc].cp);
  fp = static_cast<Slot*>(fp[kHdrCallerFp].p);
  if (__builtin_expect((meta >> 32) != 0, 0)) v = convert_result(prog, static_cast<uint32_t>(meta >> 32), v);
  fp[static_cast<uint32_t>(meta)] = v;
  NEXT();
}
L_RetVoid : {
  const uint64_t meta = fp[kHdrMeta].u;
  pc = static_cast<const Code*>(fp[kHdrRetPc].cp);
  fp = static_cast<Slot*>(fp[kHdrCallerFp].p);
  fp[static_cast<uint32_t>(meta)].u = REML_VOID;
  NEXT();
}
L_Unreachable:
  unreachable_reached();
L_Halt:
  return;

#undef NEXT
#undef STEP
#undef A
#undef B
#undef C
#undef LOC
#undef JUMP_IF
#undef SYNC
#undef PUSH_FRAME
}

}  // namespace

void execute(Machine& vm, const Code* pc, Slot* fp) { run_loop(&vm, pc, fp, nullptr); }

const void* const* handler_table() {
  const void* const* table = nullptr;
  run_loop(nullptr, nullptr, nullptr, &table);
  return table;
}

}  // namespace hako::vm
