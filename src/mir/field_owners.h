// Which user box types declare a field name or a method name/arity: the box
// types a Handle receiver of get_field_h, set_field_h or call_method can be
// an instance of when the access succeeds. Native code guards a slot access
// or a direct call with the receiver's type tag when this set is small
// (docs/codegen.md, "Fields by slot and direct method calls").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "mir/mir.h"

namespace hako::mir {

// A user box type declaring a field: its index in Module::boxes, the field's
// slot in its instances, and whether the field is weak (§7).
struct FieldOwner {
  uint32_t box = kNone;
  uint32_t slot = kNone;
  bool weak = false;
};

// A user box type declaring a method: its index in Module::boxes and the
// method's function.
struct MethodOwner {
  uint32_t box = kNone;
  FuncId func = kNoFunc;
};

// Every box type of `m` that declares field `name`, in box order.
std::vector<FieldOwner> field_owners(const Module& m, std::string_view name);

// Every box type of `m` that declares method `name` taking `arity` arguments
// after the receiver, in box order.
std::vector<MethodOwner> method_owners(const Module& m, std::string_view name, uint32_t arity);

// Per box of `m`: whether its instances can be finalised (fini() ran, so
// that any further field access is `use after fini`). Only reml_fini_end
// marks an instance so; a call of it on `box %0` in a function whose
// receiver is Box(b) can mark only instances of b, any other call (a
// receiver of unknown box) marks every box as finalisable.
std::vector<bool> finalisable_boxes(const Module& m);

// The most box types a guarded access tests inline: with more, a chain of
// tag tests costs about what the by-name path does, so the back end keeps
// only the latter.
inline constexpr size_t kMaxGuardedOwners = 4;

}  // namespace hako::mir
