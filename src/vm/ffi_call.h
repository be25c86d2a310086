// Foreign calls (the `call_c` instruction, docs/ffi.md): one libffi call
// interface per extern function, prepared at load, and one ForeignSite per
// call site holding its argument registers and their conversions, so that a
// call converts, calls through ffi_call and converts back without deciding
// anything again. Structs travel by value through storage of the call
// (packed arguments, the result before it is unpacked).
#pragma once

#include <ffi.h>

#include <memory>
#include <string>
#include <vector>

#include "mir/mir.h"
#include "vm/bytecode.h"
#include "vm/ffi_conv.h"

namespace hako::vm {

// An extern function of the module as the VM calls it.
struct ExternBridge {
  std::string name;                      // the Hako name, in runtime errors
  bool variadic = false;
  void* fn = nullptr;                    // the C address, bound when the program is loaded
  std::vector<ffi_type*> param_types;    // fixed parameters
  ffi_type* ret_type = nullptr;
  ffi_cif cif{};                         // the call interface (unused for a variadic extern)
  std::vector<ToCPlan> params;           // each fixed parameter's conversion
  std::vector<std::string> param_names;  // each fixed parameter's name, in runtime errors
  FromCPlan result;
};

// One argument of a call site.
struct ForeignArg {
  uint32_t reg = 0;     // the argument's register
  ToCPlan plan;
  const char* param = "";  // its name in runtime errors (a fixed parameter's, or `#k`)
  uint32_t storage = 0;    // a struct: the offset of its packed value in the call's storage
};

// One call_c instruction.
struct ForeignSite {
  const ExternBridge* x = nullptr;
  ffi_cif* cif = nullptr;  // the extern's, or this site's own (variadic)
  bool drop_result = false;  // the call has no result value, but C gave a reference: release it
  std::vector<ForeignArg> args;
  // The bytes of struct storage a call needs (its struct arguments', then
  // its struct result's at result_storage); 0 when it passes no struct.
  uint32_t storage_size = 0;
  uint32_t result_storage = 0;
  // A variadic call's own interface, its argument types and the names of
  // its extra arguments.
  std::unique_ptr<ffi_cif> own_cif;
  std::vector<ffi_type*> own_types;
  std::vector<std::string> extra_names;
};

// Every foreign-call and callback structure of a program (Program::ffi).
struct FfiTables;

// Prepares a bridge for each extern of `m` (a malformed declaration is an
// internal error).
void build_extern_bridges(const mir::Module& m, FfiTables& t);

// The site of call_c `in` in function `where`, whose arguments live in
// registers `regs` and have tags `tags`; checked against the extern's
// parameters (a mismatch is malformed MIR).
const ForeignSite* add_foreign_site(const mir::Module& m, FfiTables& t, const std::string& where,
                                    const mir::Inst& in, const std::vector<uint32_t>& regs,
                                    const std::vector<mir::Tag>& tags);

// Gives each extern its C address: externs[i] is that of m.externs[i]. Fewer
// addresses than externs, or a null one, is an internal error.
void bind_externs(FfiTables& t, const std::vector<void*>& externs);

// Runs call site `s` in frame `fp`: converts the arguments, calls the C
// function and stores the converted result in *dst. Conversion failures are
// runtime errors at `loc`.
void call_foreign(const ForeignSite& s, Slot* fp, Slot* dst, const reml_loc_t* loc);

}  // namespace hako::vm
