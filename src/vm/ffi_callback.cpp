// Callback closures: building them from a function and its FnPtr signature,
// and the handler C reaches through them.
#include "vm/ffi_callback.h"

#include "vm/ffi_tables.h"
#include "vm/machine.h"
#include "vm/translate_facts.h"

namespace hako::vm {

namespace {

// Whether values of tag `t` are references the holder must release.
bool counted(mir::Tag t) { return mir::is_object_kind(t.kind) || t.kind == mir::Kind::Handle; }

// A Hako value of kind `k` (Int, Float, Bool or a pointer of type `ptr`) as
// a new Handle.
reml_handle_t box_value(mir::Kind k, const reml_ptr_type_t* ptr, Slot v) {
  switch (k) {
    case mir::Kind::Int: return reml_box_i64(v.i);
    case mir::Kind::Float: return reml_box_f64(v.f);
    case mir::Kind::Bool: return reml_box_bool(v.i);
    case mir::Kind::Ptr: return reml_ptr_box_new(v.p, ptr);
    default: reml_internal_error("a callback boxes a value of an unexpected kind");
  }
}

// The Handle result `h` of a callback as the Hako value its C type takes.
Slot unbox_result(const Callback& cb, reml_handle_t h, const reml_loc_t* loc) {
  Slot s{};
  switch (cb.unbox) {
    case Callback::Unbox::None: s.u = h; break;
    case Callback::Unbox::Int: s.i = reml_unbox_i64(h, loc); break;
    case Callback::Unbox::Float: s.f = reml_unbox_f64(h, loc); break;
    case Callback::Unbox::Bool: s.i = reml_unbox_bool(h, loc); break;
    case Callback::Unbox::Ptr: s.p = reml_ptr_unbox(h, cb.ret_ptr, loc); break;
  }
  return s;
}

// What libffi runs when C calls a callback's function pointer.
void callback_entry(ffi_cif* /*cif*/, void* ret, void** args, void* user) {
  Callback& cb = *static_cast<Callback*>(user);
  if (cb.vm == nullptr) reml_internal_error("callback %s called with no VM running", cb.name.c_str());
  Machine& vm = *cb.vm;
  vm.check_c_stack();
  // Errors in conversions name the call_c through which C was reached.
  const reml_loc_t* loc = vm.current_loc();
  const char* name = cb.name.c_str();

  constexpr size_t kInline = 8;
  const size_t n = cb.params.size();
  Slot inline_in[kInline];
  std::vector<Slot> heap_in;
  Slot* in = inline_in;
  if (n > kInline) {
    heap_in.resize(n);
    in = heap_in.data();
  }
  for (size_t k = 0; k < n; ++k) {
    const Callback::Param& p = cb.params[k];
    Slot v = from_c(p.conv, args[k], name, loc);
    if (p.box != mir::Kind::Void) v.u = box_value(p.box, p.ptr, v);
    in[k] = v;
  }
  const Slot r = vm.invoke(*cb.fn, in, n);
  for (size_t k = 0; k < n; ++k)
    if (cb.params[k].release) reml_h_release(in[k].u);

  if (cb.returns_void) {
    if (cb.release_result) reml_h_release(r.u);
    return;
  }
  const Slot v = unbox_result(cb, r.u, loc);
  to_c(cb.ret_plan, v, ret, name, "result", loc);
  if (cb.release_result) reml_h_release(r.u);
}

// "Sorter.compare/2" -> "Sorter.compare": the name the program spells.
std::string callback_name(const std::string& function) {
  const size_t slash = function.rfind('/');
  return slash == std::string::npos ? function : function.substr(0, slash);
}

// Fills the parameter conversions of `cb` for function `f` and signature `sig`.
void plan_params(const mir::Module& m, const Program& p, const mir::Function& f, const mir::CType& sig,
                 Callback& cb) {
  if (f.params.size() != sig.params.size()) malformed(f.name, "a callback whose arity differs from its FnPtr type");
  const StructTypes& structs = p.ffi->structs;
  for (size_t k = 0; k < sig.params.size(); ++k) {
    const mir::CTypeId t = sig.params[k];
    ffi_type* type = ffi_type_of(m, structs, t);
    std::optional<FromCPlan> conv = from_c_plan(m, structs, t, mir::Ownership::Borrowed);
    std::optional<mir::Tag> natural = mir::hako_tag_of_ctype(m, t, mir::CSide::Result);
    if (type == nullptr || !conv || !natural || natural->kind == mir::Kind::Void)
      malformed(f.name, "a callback parameter whose C type cannot be passed");
    Callback::Param param;
    param.conv = *conv;
    const mir::Tag want = f.params[k];
    // A struct arrives as a new instance of its box (libffi's args[k] points
    // at the C value), which is its own Handle.
    const bool is_struct = conv->conv == FromC::Struct;
    if (is_struct) {
      if (!(want == *natural || want.kind == mir::Kind::Handle)) malformed(f.name, "a callback parameter of the wrong kind");
    } else if (want.kind == mir::Kind::Handle && natural->kind != mir::Kind::Handle) {
      param.box = natural->kind;
      if (natural->kind == mir::Kind::Ptr) param.ptr = p.ptr_types.find(natural->ctype());
      if (natural->kind == mir::Kind::Ptr && param.ptr == nullptr) malformed(f.name, "a pointer without a type");
    } else if (!(want == *natural || (want.kind == mir::Kind::Ptr && natural->kind == mir::Kind::Ptr))) {
      malformed(f.name, "a callback parameter of the wrong kind");
    }
    // A Handle parameter is a new reference: a boxed value, a copied C
    // string, or a C Handle retained (from_c_plan) for the call; so is a
    // struct instance.
    param.release = want.kind == mir::Kind::Handle || is_struct;
    cb.params.push_back(param);
    cb.param_types.push_back(type);
  }
}

// Fills the result conversion of `cb` for function `f` and signature `sig`.
void plan_result(const mir::Module& m, const Program& p, const mir::Function& f, const mir::CType& sig,
                 Callback& cb) {
  const StructTypes& structs = p.ffi->structs;
  cb.ret_type = ffi_type_of(m, structs, sig.ret);
  if (cb.ret_type == nullptr) malformed(f.name, "a callback result whose C type cannot be passed");
  std::optional<mir::Tag> want = mir::hako_tag_of_ctype(m, sig.ret, mir::CSide::Argument);
  if (!want) {  // void: the result is dropped
    cb.returns_void = true;
    cb.release_result = counted(f.ret);
    return;
  }
  std::optional<ToCPlan> plan = to_c_plan(m, structs, sig.ret, mir::Ownership::Borrowed);
  if (!plan) malformed(f.name, "a callback result whose C type cannot be passed");
  cb.ret_plan = *plan;
  if (plan->conv == ToC::Struct) {
    // Packed into libffi's result storage from the instance (a Handle result
    // is checked to be one when packed); the function gave a reference.
    if (!(f.ret == *want || f.ret.kind == mir::Kind::Handle)) malformed(f.name, "a callback result of the wrong kind");
    cb.release_result = true;
    return;
  }
  // The verifier refuses CStr and Handle results: no one would own them.
  if (want->kind == mir::Kind::String || want->kind == mir::Kind::Handle)
    malformed(f.name, "a callback returning a String or a Handle");
  if (f.ret.kind == mir::Kind::Handle) {
    switch (want->kind) {
      case mir::Kind::Int: cb.unbox = Callback::Unbox::Int; break;
      case mir::Kind::Float: cb.unbox = Callback::Unbox::Float; break;
      case mir::Kind::Bool: cb.unbox = Callback::Unbox::Bool; break;
      case mir::Kind::Ptr:
        cb.unbox = Callback::Unbox::Ptr;
        cb.ret_ptr = p.ptr_types.find(want->ctype());
        if (cb.ret_ptr == nullptr) malformed(f.name, "a pointer without a type");
        break;
      default: malformed(f.name, "a callback result of an unexpected kind");
    }
    cb.release_result = true;
  } else if (!(f.ret == *want || (f.ret.kind == mir::Kind::Ptr && want->kind == mir::Kind::Ptr))) {
    malformed(f.name, "a callback result of the wrong kind");
  }
}

}  // namespace

Callback::~Callback() {
  if (closure != nullptr) ffi_closure_free(closure);
}

const void* callback_code(const mir::Module& m, Program& p, mir::FuncId f, mir::CTypeId sig) {
  if (f >= m.functions.size() || f >= p.funcs.size()) malformed("fn_ptr", "a callback of a missing function");
  const mir::Function& fn = m.functions[f];
  if (sig >= m.ctypes.size() || m.ctypes[sig].kind != mir::CTypeKind::FnPtr)
    malformed(fn.name, "fn_ptr without an FnPtr type");
  if (fn.has_me) malformed(fn.name, "a callback that takes a receiver");
  const uint64_t key = (static_cast<uint64_t>(f.index()) << 32) | sig.index();
  auto found = p.ffi->callbacks.find(key);
  if (found != p.ffi->callbacks.end()) return found->second->code;

  auto cb = std::make_unique<Callback>();
  cb->fn = &p.funcs[f];
  cb->name = callback_name(fn.name);
  const mir::CType& type = m.ctypes[sig];
  plan_params(m, p, fn, type, *cb);
  plan_result(m, p, fn, type, *cb);
  if (ffi_prep_cif(&cb->cif, FFI_DEFAULT_ABI, static_cast<unsigned>(cb->param_types.size()), cb->ret_type,
                   cb->param_types.data()) != FFI_OK)
    malformed(fn.name, "libffi rejects the callback's signature");
  cb->closure = static_cast<ffi_closure*>(ffi_closure_alloc(sizeof(ffi_closure), &cb->code));
  if (cb->closure == nullptr) reml_internal_error("cannot allocate a callback closure for %s", cb->name.c_str());
  if (ffi_prep_closure_loc(cb->closure, &cb->cif, &callback_entry, cb.get(), cb->code) != FFI_OK)
    reml_internal_error("cannot prepare the callback closure for %s", cb->name.c_str());
  const void* code = cb->code;
  p.ffi->callbacks.emplace(key, std::move(cb));
  return code;
}

void attach_callbacks(FfiTables& t, Machine* vm) {
  for (auto& [key, cb] : t.callbacks) cb->vm = vm;
}

}  // namespace hako::vm
