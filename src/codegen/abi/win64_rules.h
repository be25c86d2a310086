// The Win64 rules (x86_64-pc-windows-msvc, x86_64-w64-windows-gnu) as
// Clang 19's WinX86_64ABIInfo applies them to C structs: by size alone.
#pragma once

#include "codegen/abi/classify.h"

namespace hako::codegen::abi::win64 {

// A struct argument: one integer of its size when that is 1, 2, 4 or 8
// bytes (floats included), else abi's memory argument (a copy by reference).
Passing struct_argument(const TargetAbi& abi, const Layout& t);

// A struct result: an integer as for arguments, else through sret.
Passing struct_result(const TargetAbi& abi, const Layout& t);

}  // namespace hako::codegen::abi::win64
