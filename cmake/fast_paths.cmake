# The runtime's fast paths (runtime/src/fast_paths.c: thin wrappers of the
# header's inline functions, their one definition) compiled to LLVM bitcode
# with clang-19 and embedded into hakoc as a byte array. At -O2 codegen
# links that bitcode into the module so the optimiser inlines the calls.
find_program(HAKO_CLANG19 NAMES clang-19 REQUIRED
             HINTS ${LLVM_TOOLS_BINARY_DIR}
             DOC "clang-19, to compile the runtime's fast paths to bitcode")

function(hako_embed_fast_paths target source)
  set(bc ${CMAKE_CURRENT_BINARY_DIR}/fast_paths.bc)
  set(cpp ${CMAKE_CURRENT_BINARY_DIR}/fast_paths_bitcode.cpp)
  # -fPIC (not PIE): no dso_local assumptions about runtime symbols, so the
  # same bitcode fits PIE executables and every supported target.
  add_custom_command(
    OUTPUT ${bc}
    COMMAND ${HAKO_CLANG19} -O2 -std=gnu11 -fPIC -emit-llvm -c ${REML_RUNTIME_DEFINE_FLAGS}
            -I${PROJECT_SOURCE_DIR}/runtime/include ${source} -o ${bc} -MD -MF ${bc}.d
    DEPENDS ${source}
    DEPFILE ${bc}.d
    COMMENT "Compiling the runtime fast paths to bitcode"
    VERBATIM)
  add_custom_command(
    OUTPUT ${cpp}
    COMMAND ${CMAKE_COMMAND} -DINPUT=${bc} -DOUTPUT=${cpp} -P ${PROJECT_SOURCE_DIR}/cmake/embed_bitcode.cmake
    DEPENDS ${bc} ${PROJECT_SOURCE_DIR}/cmake/embed_bitcode.cmake
    COMMENT "Embedding the fast-path bitcode"
    VERBATIM)
  target_sources(${target} PRIVATE ${cpp})
endfunction()
