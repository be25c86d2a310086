// Compile-time proof that every HAKO_RUNTIME_ENTRIES row (runtime_decls.h)
// states the signature of the C function it names: the result letter, one
// letter per parameter and the trailing '.' of C varargs must be how the
// prototype in reml_runtime.h (or libc, for strlen) travels in
// LLVM IR. A disagreement would make native code call the runtime with the
// wrong ABI, so it is a build error here rather than a crash at run time.
// The runtime_calls.def rows are proved against the same prototypes by
// src/vm/rt_table.cpp.
#include <cstddef>
#include <cstring>
#include <type_traits>

#include "codegen/runtime_decls.h"
#include "reml_runtime.h"

namespace hako::codegen {

namespace {

// The HAKO_RUNTIME_ENTRIES letter C type T travels as, or '?' for a type the
// table has no letter for (which no row can match).
template <typename T>
constexpr char letter_of() {
  if constexpr (std::is_void_v<T>) {
    return 'v';
  } else if constexpr (std::is_pointer_v<T>) {
    return 'p';  // data and function pointers alike
  } else if constexpr (std::is_same_v<T, double>) {
    return 'd';
  } else if constexpr ((std::is_integral_v<T> || std::is_enum_v<T>) && !std::is_same_v<T, bool>) {
    if constexpr (sizeof(T) == 8) return 'l';
    if constexpr (sizeof(T) == 4) return 'u';
    return '?';
  } else {
    return '?';
  }
}

constexpr bool same_text(const char* a, const char* b) {
  size_t i = 0;
  while (a[i] != '\0' && a[i] == b[i]) ++i;
  return a[i] == b[i];
}

// The letters of a parameter list, with '.' appended for varargs.
template <bool Varargs, typename... P>
struct ParamLetters {
  static constexpr char text[] = {letter_of<P>()..., Varargs ? '.' : '\0', '\0'};
};

template <typename R, typename... P>
constexpr bool matches(R (*)(P...), const char* result, const char* params) {
  const char r[] = {letter_of<R>(), '\0'};
  return same_text(r, result) && same_text(ParamLetters<false, P...>::text, params);
}

template <typename R, typename... P>
constexpr bool matches(R (*)(P..., ...), const char* result, const char* params) {
  const char r[] = {letter_of<R>(), '\0'};
  return same_text(r, result) && same_text(ParamLetters<true, P...>::text, params);
}

// One static_assert per row, so the build error names the row that is wrong.
#define HAKO_RT_CHECK(name, symbol, result, params, attrs)                       \
  static_assert(matches(&::symbol, result, params),                              \
                "HAKO_RUNTIME_ENTRIES row " #name " disagrees with the C prototype of " #symbol);
HAKO_RUNTIME_ENTRIES(HAKO_RT_CHECK)
#undef HAKO_RT_CHECK

}  // namespace

}  // namespace hako::codegen
