// vm::run with explicit translation options, for benchmarks and for
// differential tests of the bytecode optimisations.
#pragma once

#include <string>
#include <vector>

#include "mir/mir.h"
#include "vm/translate.h"

namespace hako::vm {

// Like vm::run (vm.h), translating with `options`.
int run_with_options(const mir::Module& m, const std::vector<std::string>& args, const TranslateOptions& options,
                     const std::vector<void*>& externs = {});

}  // namespace hako::vm
