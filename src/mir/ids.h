// Typed indices of MIR entities: a ValueId, a BlockId and a FuncId are
// distinct types, so passing a block where a value is expected, or a raw
// integer where any id is expected, does not compile.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <type_traits>

namespace hako::mir {

// An index into one table (a function's values or blocks, a module's
// functions). Construction from an integer is explicit; reading the index is
// implicit, so an id indexes its table directly (`f.blocks[b]`). Ids of
// different kinds do not compare with each other.
template <typename Kind>
class Id {
 public:
  constexpr Id() = default;
  constexpr explicit Id(uint32_t index) : index_(index) {}
  // Ids are counted from sizes; the explicit size_t form keeps callers free
  // of casts while keeping the conversion visible.
  static constexpr Id from_size(size_t index) { return Id(static_cast<uint32_t>(index)); }

  constexpr operator uint32_t() const { return index_; }
  constexpr uint32_t index() const { return index_; }

  Id& operator++() {
    ++index_;
    return *this;
  }
  Id operator++(int) {
    Id old = *this;
    ++index_;
    return old;
  }

 private:
  uint32_t index_ = 0;
};

template <typename A, typename B, typename = std::enable_if_t<!std::is_same_v<A, B>>>
bool operator==(Id<A>, Id<B>) = delete;
template <typename A, typename B, typename = std::enable_if_t<!std::is_same_v<A, B>>>
bool operator!=(Id<A>, Id<B>) = delete;

struct ValueKind;
struct BlockKind;
struct FuncKind;
struct CTypeIdTag;
struct ExternIdTag;
// An SSA value of a function (parameters first).
using ValueId = Id<ValueKind>;
// A basic block of a function (bb0 is the entry).
using BlockId = Id<BlockKind>;
// A function of a module.
using FuncId = Id<FuncKind>;
// A C type of a module's interned C type table (docs/ffi.md).
using CTypeId = Id<CTypeIdTag>;
// An extern "C" function of a module.
using ExternId = Id<ExternIdTag>;

// The "no such entity" markers of the ids (the index UINT32_MAX, equal to kNone).
inline constexpr ValueId kNoValue{UINT32_MAX};
inline constexpr BlockId kNoBlock{UINT32_MAX};
inline constexpr FuncId kNoFunc{UINT32_MAX};
inline constexpr CTypeId kNoCType{UINT32_MAX};

}  // namespace hako::mir

template <typename Kind>
struct std::hash<hako::mir::Id<Kind>> {
  size_t operator()(hako::mir::Id<Kind> id) const noexcept { return std::hash<uint32_t>{}(id.index()); }
};
