# How hakoc links LLVM 19. Include after find_package(LLVM ... CONFIG).
#
# Static component libraries are the default: only the code generation
# pieces hakoc uses end up in the binary, `hakoc run` pays no start-up cost
# for loading all of libLLVM, and the binary runs wherever the Debian
# packages are installed. HAKO_LLVM_DYLIB=ON links libLLVM-19.so instead
# (faster links, slower start-up); see docs/codegen.md for the numbers.
option(HAKO_LLVM_DYLIB "Link the shared libLLVM-19 instead of static component libraries" OFF)

message(STATUS "hakoc: LLVM ${LLVM_PACKAGE_VERSION} from ${LLVM_DIR}")

# Exactly the components codegen uses: IR, the new pass manager pipelines,
# bitcode reading and module linking (fast paths), and the X86 and AArch64
# back ends for the four supported triples.
set(HAKO_LLVM_COMPONENTS
    Core Analysis Passes Target TransformUtils IPO Linker BitReader Support MC
    X86CodeGen X86AsmParser X86Desc X86Info
    AArch64CodeGen AArch64AsmParser AArch64Desc AArch64Info)

# Gives `target` LLVM's headers and definitions (for everything that links
# it, too: unit tests include LLVM headers) and links the LLVM libraries.
function(hako_link_llvm target)
  separate_arguments(defs NATIVE_COMMAND "${LLVM_DEFINITIONS}")
  target_include_directories(${target} SYSTEM PUBLIC ${LLVM_INCLUDE_DIRS})
  target_compile_definitions(${target} PUBLIC ${defs})
  if(HAKO_LLVM_DYLIB)
    target_link_libraries(${target} PUBLIC LLVM)
  else()
    llvm_map_components_to_libnames(libs ${HAKO_LLVM_COMPONENTS})
    target_link_libraries(${target} PUBLIC ${libs})
  endif()
endfunction()
