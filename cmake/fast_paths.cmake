# The runtime's fast paths (runtime/src/fast_paths.c: thin wrappers of the
# header's inline functions, their one definition) compiled to LLVM bitcode
# with clang-19, once per target hakoc supports, and embedded into hakoc as
# byte arrays. At -O2 codegen links the module's target's bitcode into the
# module so the optimiser inlines the calls.
find_program(HAKO_CLANG19 NAMES clang-19 REQUIRED
             HINTS ${LLVM_TOOLS_BINARY_DIR}
             DOC "clang-19, to compile the runtime's fast paths to bitcode")

# The triples of src/base/targets.cpp, CMake's one list of them (the fast
# paths and the ABI oracle tests use it); tests/unit/codegen_test.cpp fails
# when a target there has no bitcode here.
set(HAKO_TARGET_TRIPLES
    x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-w64-windows-gnu x86_64-pc-windows-msvc
    arm64-apple-darwin)

function(hako_embed_fast_paths target source)
  set(cpp ${CMAKE_CURRENT_BINARY_DIR}/fast_paths_bitcode.cpp)
  set(inputs)
  set(bcs)
  foreach(triple ${HAKO_TARGET_TRIPLES})
    set(bc ${CMAKE_CURRENT_BINARY_DIR}/fast_paths/${triple}.bc)
    # Only the compiler's own headers (stdint.h, stddef.h, stdbool.h are all
    # the fast paths include), so no target's C library is needed. -fPIC
    # (not PIE) on ELF: no dso_local assumptions about runtime symbols, so
    # the bitcode fits PIE executables.
    set(pic)
    if(triple MATCHES "linux")
      set(pic -fPIC)
    endif()
    add_custom_command(
      OUTPUT ${bc}
      COMMAND ${HAKO_CLANG19} --target=${triple} -O2 -std=gnu11 -nostdlibinc ${pic} -emit-llvm -c
              ${REML_RUNTIME_DEFINE_FLAGS} -I${PROJECT_SOURCE_DIR}/runtime/include ${source} -o ${bc}
              -MD -MF ${bc}.d
      DEPENDS ${source}
      DEPFILE ${bc}.d
      COMMENT "Compiling the runtime fast paths to bitcode for ${triple}"
      VERBATIM)
    list(APPEND inputs "${triple}=${bc}")
    list(APPEND bcs ${bc})
  endforeach()
  string(REPLACE ";" "," inputs_arg "${inputs}")
  add_custom_command(
    OUTPUT ${cpp}
    COMMAND ${CMAKE_COMMAND} -DINPUTS=${inputs_arg} -DOUTPUT=${cpp} -P ${PROJECT_SOURCE_DIR}/cmake/embed_bitcode.cmake
    DEPENDS ${bcs} ${PROJECT_SOURCE_DIR}/cmake/embed_bitcode.cmake
    COMMENT "Embedding the fast-path bitcode"
    VERBATIM)
  target_sources(${target} PRIVATE ${cpp})
endfunction()
