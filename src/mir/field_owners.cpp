#include "mir/field_owners.h"

#include <optional>

namespace hako::mir {

std::vector<FieldOwner> field_owners(const Module& m, std::string_view name) {
  std::vector<FieldOwner> out;
  for (uint32_t bx = 0; bx < m.boxes.size(); ++bx) {
    const std::vector<Field>& fields = m.boxes[bx].fields;
    // The runtime's by-name lookup takes the first field of that name; so
    // does this (sema rejects duplicates, MIR text might not).
    for (uint32_t k = 0; k < fields.size(); ++k) {
      if (fields[k].name != name) continue;
      out.push_back({bx, k, fields[k].is_weak});
      break;
    }
  }
  return out;
}

std::vector<MethodOwner> method_owners(const Module& m, std::string_view name, uint32_t arity) {
  std::vector<MethodOwner> out;
  for (uint32_t bx = 0; bx < m.boxes.size(); ++bx) {
    for (const BoxType::Method& method : m.boxes[bx].methods) {
      if (method.name != name || method.arity != arity) continue;
      out.push_back({bx, method.func});
      break;  // the first match, as the dispatcher and the VM take it
    }
  }
  return out;
}

namespace {

// The box whose instances the reml_fini_end call `in` of `f` may mark, or
// nullopt when that is not known (any box).
std::optional<uint32_t> finalised_box(const Function& f, const Inst& in) {
  if (in.args.size() != 1 || f.params.empty() || f.params[0].kind != Kind::Box) return std::nullopt;
  for (const Block& b : f.blocks)
    for (const Inst& def : b.insts)
      if (def.result == in.args[0])
        return def.op == Op::Box && def.args.size() == 1 && def.args[0] == ValueId{0}
                   ? std::optional<uint32_t>(f.params[0].box)
                   : std::nullopt;
  return std::nullopt;
}

}  // namespace

std::vector<bool> finalisable_boxes(const Module& m) {
  std::vector<bool> out(m.boxes.size(), false);
  for (const Function& f : m.functions)
    for (const Block& b : f.blocks)
      for (const Inst& in : b.insts) {
        if (in.op != Op::CallRt || in.ref != static_cast<uint32_t>(RtFn::FiniEnd)) continue;
        std::optional<uint32_t> box = finalised_box(f, in);
        if (box && *box < out.size()) {
          out[*box] = true;
        } else {
          out.assign(out.size(), true);
        }
      }
  return out;
}

}  // namespace hako::mir
