// Kind lattice operations used by inference: joins, names for messages,
// the conversion between two kinds, and the plan of each binary operator.
#pragma once

#include <optional>
#include <string>

#include "ast/ast.h"
#include "sema/checked.h"

namespace hako::sema {

// A kind under inference: nullopt is "nothing flowed in yet" (bottom).
using KindOpt = std::optional<Tag>;

// The least kind holding both: equal kinds stay, different ones give Handle.
KindOpt join(KindOpt a, KindOpt b);

// The kind's name in messages: Int, String, ArrayBox, Point, Handle ...
std::string kind_name(const CheckedProgram& p, Tag t);

// The message of the weak-field contract (§7) for a value of kind `kind`
// stored into weak field `field` of box `box`: the text of E0314 and,
// word for word, of the runtime error of reml_weak_field_check.
std::string weak_field_message(const std::string& box, const std::string& field, const std::string& kind);

// The conversion that carries a value of `from` into a position of `to`, or
// nullopt when none is allowed.
std::optional<Coercion> conversion(Tag from, Tag to);

// The plan of `lhs op rhs`, or nullopt when the kinds make it a type error.
std::optional<BinaryPlan> plan_binary(ast::BinaryOp op, Tag lhs, Tag rhs);

// The plan of `lhs op rhs` when plan_binary refuses it and an operand is
// Void: that operand taken as the Handle holding Void it is at run time, so
// the dynamic instruction reports the type error if the operation is ever
// reached. Nullopt when the operation would fail even on a Handle there
// (`true * null`: Bool is the offending operand).
std::optional<BinaryPlan> plan_binary_void_as_handle(ast::BinaryOp op, Tag lhs, Tag rhs);

// The kind a letter of reml_builtin_methods.def stands for ('-' is Void, K
// a map key is a Handle).
Tag tag_of_builtin_letter(char letter);

}  // namespace hako::sema
