// One thunk per runtime_calls.def entry, instantiated from the C function the
// entry names; a static_assert below proves at compile time that every C
// signature agrees with the entry's tag letters and LOC flag.
#include "vm/rt_table.h"

#include <cstddef>
#include <type_traits>
#include <utility>

namespace hako::vm {

namespace {

// --- slot <-> C value conversions ---------------------------------------------

template <typename T>
inline constexpr bool kAlwaysFalse = false;

template <typename T>
inline T from_slot(Slot s) {
  if constexpr (std::is_same_v<T, int64_t>) {
    return s.i;
  } else if constexpr (std::is_same_v<T, double>) {
    return s.f;
  } else if constexpr (std::is_same_v<T, reml_handle_t>) {
    return s.u;
  } else if constexpr (std::is_pointer_v<T>) {
    return static_cast<T>(s.p);
  } else {
    static_assert(kAlwaysFalse<T>, "runtime parameter type without a slot conversion");
  }
}

template <typename T>
inline void to_slot(Slot* dst, T v) {
  if constexpr (std::is_same_v<T, int64_t>) {
    dst->i = v;
  } else if constexpr (std::is_same_v<T, double>) {
    dst->f = v;
  } else if constexpr (std::is_same_v<T, reml_handle_t>) {
    dst->u = v;
  } else if constexpr (std::is_pointer_v<T>) {
    dst->p = const_cast<void*>(static_cast<const void*>(v));
  } else {
    static_assert(kAlwaysFalse<T>, "runtime result type without a slot conversion");
  }
}

// The I-th C argument: a register, or the location for `const reml_loc_t*`.
template <typename P>
inline P argument(Slot* fp, const uint32_t* regs, size_t i, const reml_loc_t* loc) {
  if constexpr (std::is_same_v<P, const reml_loc_t*>) {
    (void)fp, (void)regs, (void)i;
    return loc;
  } else {
    (void)loc;
    return from_slot<P>(fp[regs[i]]);
  }
}

template <typename R, typename... P, size_t... I>
inline void apply(R (*fn)(P...), Slot* fp, const uint32_t* regs, Slot* dst, const reml_loc_t* loc,
                  std::index_sequence<I...>) {
  if constexpr (std::is_void_v<R>) {
    (void)dst;
    fn(argument<P>(fp, regs, I, loc)...);
  } else {
    to_slot<R>(dst, fn(argument<P>(fp, regs, I, loc)...));
  }
}

template <auto Fn>
void thunk(Slot* fp, const uint32_t* regs, Slot* dst, const reml_loc_t* loc) {
  [&]<typename R, typename... P>(R (*fn)(P...)) {
    apply(fn, fp, regs, dst, loc, std::index_sequence_for<P...>{});
  }(Fn);
}

constexpr RtThunk kThunks[] = {
#define RT(name, symbol, result, params, flags) &thunk<&symbol>,
#include "mir/runtime_calls.def"
#undef RT
};

// --- compile-time agreement with runtime_calls.def ------------------------------

struct DefEntry {
  const char* symbol;
  const char* result;
  const char* params;
  bool loc;
};

constexpr bool kRtLoc_NONE = false;
constexpr bool kRtLoc_LOC = true;

constexpr DefEntry kDef[] = {
#define RT(name, symbol, result, params, flags) {#symbol, result, params, kRtLoc_##flags},
#include "mir/runtime_calls.def"
#undef RT
};

constexpr size_t text_length(const char* s) {
  size_t n = 0;
  while (s[n] != '\0') ++n;
  return n;
}

// Whether C type T is how tag letter `c` travels (params and results alike).
template <typename T>
constexpr bool fits_letter(char c) {
  using Pointee = std::remove_cv_t<std::remove_pointer_t<T>>;
  switch (c) {
    case 'I':
    case 'B': return std::is_same_v<T, int64_t>;
    case 'F': return std::is_same_v<T, double>;
    // The seed ABI (nyrt_weak_*) passes handles as int64_t: the same word.
    case 'H': return std::is_same_v<T, reml_handle_t> || std::is_same_v<T, int64_t>;
    case 'W': return std::is_same_v<T, int64_t>;
    case 'S': return std::is_pointer_v<T> && std::is_same_v<Pointee, reml_string_t>;
    case 'A': return std::is_pointer_v<T> && std::is_same_v<Pointee, reml_array_t>;
    case 'M': return std::is_pointer_v<T> && std::is_same_v<Pointee, reml_map_t>;
    case 'C': return std::is_pointer_v<T> && std::is_same_v<Pointee, void>;
    case '-': return std::is_void_v<T>;
    default: return false;
  }
}

template <typename R, typename... P, size_t... I>
constexpr bool signature_matches(R (*)(P...), const DefEntry& e, std::index_sequence<I...>) {
  constexpr size_t n = sizeof...(P);
  const size_t listed = text_length(e.params);
  if (n != listed + (e.loc ? 1 : 0)) return false;
  if (!fits_letter<R>(e.result[0]) || e.result[1] != '\0') return false;
  // Every listed parameter fits its letter; the extra last one is the loc.
  return ((I < listed ? fits_letter<P>(e.params[I]) : std::is_same_v<P, const reml_loc_t*>) && ...);
}

template <auto Fn>
constexpr bool entry_matches(size_t index) {
  return [&]<typename R, typename... P>(R (*fn)(P...)) {
    return signature_matches(fn, kDef[index], std::index_sequence_for<P...>{});
  }(Fn);
}

constexpr bool all_entries_match() {
  size_t index = 0;
  bool ok = true;
#define RT(name, symbol, result, params, flags) ok = ok && entry_matches<&symbol>(index++);
#include "mir/runtime_calls.def"
#undef RT
  return ok;
}

static_assert(all_entries_match(),
              "a C function's signature disagrees with its tags in runtime_calls.def");

}  // namespace

RtThunk rt_thunk(mir::RtFn fn) { return kThunks[static_cast<size_t>(fn)]; }

}  // namespace hako::vm
