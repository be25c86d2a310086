// MIR → text and JSON. The text form is parsed back by text_parser.h
// (print → parse → print is the identity); docs/mir.md describes it.
#pragma once

#include <string>

#include "mir/mir.h"

namespace hako::mir {

std::string print_module(const Module& m);
std::string print_function(const Module& m, const Function& f);
// One JSON document describing the whole module (--emit=mir-json).
std::string module_to_json(const Module& m);

}  // namespace hako::mir
