// Callbacks (the `fn_ptr` instruction, docs/ffi.md "Callbacks"): a libffi
// closure per (Hako function, FnPtr signature) pair, created when the
// program is translated and freed with it. When C calls the closure, its
// handler converts the C arguments to Hako values, runs the function
// re-entrantly on the VM's register stack (Machine::invoke, above the frame
// of the call_c that reached C) and converts the result to the C type.
#pragma once

#include <ffi.h>

#include <string>
#include <vector>

#include "mir/mir.h"
#include "vm/bytecode.h"
#include "vm/ffi_conv.h"

namespace hako::vm {

struct Machine;
struct FfiTables;

struct Callback {
  Callback() = default;
  Callback(const Callback&) = delete;
  Callback& operator=(const Callback&) = delete;
  // Frees the closure.
  ~Callback();

  // One C parameter: its conversion to the Hako value of its C type, then
  // boxing when the function takes a Handle there (a struct value, a box
  // instance, is a Handle already).
  struct Param {
    FromCPlan conv;
    mir::Kind box = mir::Kind::Void;        // the kind to box (Int, Float, Bool, Ptr), or Void: no boxing
    const reml_ptr_type_t* ptr = nullptr;   // boxing a pointer: its type
    bool release = false;                   // the Handle passed is a new reference, released after the call
  };
  // How the function's result is unboxed before its conversion to C, when
  // it returns a Handle for a C type whose Hako value is not one.
  enum class Unbox : uint8_t { None, Int, Float, Bool, Ptr };

  Machine* vm = nullptr;         // set when the program is loaded
  const FuncCode* fn = nullptr;
  std::string name;              // "Box.method", in runtime errors
  std::vector<Param> params;
  std::vector<ffi_type*> param_types;
  ffi_type* ret_type = nullptr;
  bool returns_void = false;     // the C result is void: the Hako result is dropped
  bool release_result = false;   // the Hako result is a reference to drop once converted (or packed)
  Unbox unbox = Unbox::None;
  const reml_ptr_type_t* ret_ptr = nullptr;  // Unbox::Ptr: the expected type
  ToCPlan ret_plan;
  ffi_cif cif{};
  ffi_closure* closure = nullptr;
  void* code = nullptr;          // the C function pointer
};

// The C function pointer of static function `f` with FnPtr signature `sig`
// (a CTypeId of class FnPointer), creating its closure on first use. A
// function that does not fit the signature is malformed MIR.
const void* callback_code(const mir::Module& m, Program& p, mir::FuncId f, mir::CTypeId sig);

// Points every callback of `t` at the machine that runs them.
void attach_callbacks(FfiTables& t, Machine* vm);

}  // namespace hako::vm
