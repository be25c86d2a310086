# libreml_runtime.a for the targets hakoc links for besides the host
# (docs/platforms.md), compiled with clang-19 --target from the same sources
# as the host library and archived with llvm-ar. Each lands in
# <build>/runtime/<triple>/ (where hakoc in the build tree looks) and is
# installed to <prefix>/lib/hako/<triple>/. A target whose C library headers
# are not installed (the Debian cross packages of tools/bootstrap.sh) is
# skipped with a message; hakoc then reports the missing runtime when asked
# to link for it.
find_program(HAKO_LLVM_AR NAMES llvm-ar-19 llvm-ar HINTS ${LLVM_TOOLS_BINARY_DIR}
             DOC "llvm-ar, to archive the cross-built runtimes")

# The targets whose runtime was built, for the test suites that run their
# executables (tests/CMakeLists.txt).
set(HAKO_CROSS_TRIPLES)

# C flags every C file compiled for a target needs (the runtime here, the
# test libraries in tests/): mingw-w64's C99 printf and strtod (not
# msvcrt's), so numbers print as on every other target.
set(HAKO_TARGET_C_FLAGS_x86_64-w64-windows-gnu -D__USE_MINGW_ANSI_STDIO=1)

# hako_cross_runtime(TRIPLE HEADER FLAGS...): the runtime for TRIPLE, built
# when HEADER (a C library header of that target) exists.
function(hako_cross_runtime triple header)
  if(NOT EXISTS ${header})
    message(STATUS "hakoc: no C library for ${triple} (${header} missing): its runtime is not built")
    return()
  endif()
  if(NOT HAKO_CLANG19 OR NOT HAKO_LLVM_AR)
    message(STATUS "hakoc: clang-19 or llvm-ar missing: the ${triple} runtime is not built")
    return()
  endif()
  # float_digits.cpp needs the target's C++ library headers (not its
  # library): libstdc++-12-dev-arm64-cross, g++-mingw-w64-x86-64-win32.
  set(probe ${CMAKE_BINARY_DIR}/runtime/cxx_probe.cpp)
  file(WRITE ${probe} "#include <type_traits>\n#include <limits>\n#include <cstdint>\n")
  execute_process(COMMAND ${HAKO_CLANG19} --target=${triple} -std=c++20 -fsyntax-only ${probe}
                  RESULT_VARIABLE cxx_probe_status OUTPUT_QUIET ERROR_QUIET)
  if(NOT cxx_probe_status EQUAL 0)
    message(STATUS "hakoc: no C++ library headers for ${triple} (tools/bootstrap.sh installs them): its runtime is not built")
    return()
  endif()
  set(dir ${CMAKE_BINARY_DIR}/runtime/${triple})
  set(guard_flags)
  if(NOT HAKO_GUARD_CODE)
    set(guard_flags -DREML_GUARD_CODE=0)
  endif()
  set(objects)
  foreach(src ${REML_RUNTIME_SOURCES})
    get_filename_component(name ${src} NAME_WE)
    get_filename_component(ext ${src} LAST_EXT)
    set(obj ${dir}/obj/${name}.o)
    if(ext STREQUAL ".cpp")
      set(lang_flags -std=c++20 ${REML_RUNTIME_CXX_FLAGS} -I${REML_DRAGONBOX_INCLUDE})
    else()
      set(lang_flags -std=gnu11)
    endif()
    add_custom_command(
      OUTPUT ${obj}
      COMMAND ${HAKO_CLANG19} --target=${triple} -O2 ${lang_flags} ${HAKO_WARNINGS} ${ARGN}
              ${HAKO_TARGET_C_FLAGS_${triple}} ${guard_flags}
              ${REML_RUNTIME_DEFINE_FLAGS} -I${PROJECT_SOURCE_DIR}/runtime/include -c ${src} -o ${obj}
              -MD -MF ${obj}.d
      DEPENDS ${src}
      DEPFILE ${obj}.d
      COMMENT "Compiling ${name}${ext} for ${triple}"
      VERBATIM)
    list(APPEND objects ${obj})
  endforeach()
  set(lib ${dir}/libreml_runtime.a)
  add_custom_command(
    OUTPUT ${lib}
    COMMAND ${CMAKE_COMMAND} -E rm -f ${lib}
    COMMAND ${HAKO_LLVM_AR} rcs ${lib} ${objects}
    DEPENDS ${objects}
    COMMENT "Archiving the ${triple} runtime"
    VERBATIM)
  add_custom_target(reml_runtime_${triple} ALL DEPENDS ${lib})
  install(FILES ${lib} DESTINATION lib/hako/${triple})
  set(HAKO_CROSS_TRIPLES ${HAKO_CROSS_TRIPLES} ${triple} PARENT_SCOPE)
endfunction()

hako_cross_runtime(aarch64-unknown-linux-gnu /usr/aarch64-linux-gnu/include/stdio.h -fPIC)
hako_cross_runtime(x86_64-w64-windows-gnu /usr/x86_64-w64-mingw32/include/stdio.h)
