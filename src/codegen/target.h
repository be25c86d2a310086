// Targets: the triples hakoc supports, their one-time LLVM initialisation
// and a configured llvm::TargetMachine for each.
#pragma once

#include <memory>
#include <string>

#include "diag/diag.h"

// Forward declared: the driver asks about triples without LLVM's headers.
namespace llvm {
class TargetMachine;
}

namespace hako::codegen {

// A short list of the supported triples for messages ("a, b, c or d").
std::string supported_triples_text();

// Whether `triple` is one of supported_triples().
bool is_supported_triple(const std::string& triple);

// Reports E0501 (listing the supported triples) unless `triple` is
// supported; returns whether it is.
bool check_triple(const std::string& triple, diag::DiagEngine& diags);

// Whether executables for `triple` run on this machine (so `hakoc build` may
// link and the tests may run them): same architecture and operating system.
bool runs_on_host(const std::string& triple);

// A target machine for a supported `triple` (X86 and AArch64 are registered
// on first use; `hakoc run` never pays for it). Code is position independent
// on ELF so the default PIE link of the C compiler driver works. `optimize`
// selects the code generator's optimisation level. Null with `error` set if
// LLVM cannot create it.
std::unique_ptr<llvm::TargetMachine> create_target_machine(const std::string& triple, bool optimize,
                                                           std::string& error);

}  // namespace hako::codegen
