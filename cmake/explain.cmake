# The explanations of diagnostic codes, docs/explain/CODE.md, compiled into
# a target as one generated source (cmake/embed_explain.cmake writes it):
# the build re-runs when a file changes, and the glob is re-read when a file
# is added or removed.
function(hako_embed_explanations target dir)
  set(cpp ${CMAKE_CURRENT_BINARY_DIR}/explanations.cpp)
  file(GLOB md CONFIGURE_DEPENDS ${dir}/*.md)
  add_custom_command(
    OUTPUT ${cpp}
    COMMAND ${CMAKE_COMMAND} -DINPUT_DIR=${dir} -DOUTPUT=${cpp} -P ${PROJECT_SOURCE_DIR}/cmake/embed_explain.cmake
    DEPENDS ${md} ${PROJECT_SOURCE_DIR}/cmake/embed_explain.cmake
    COMMENT "Embedding the explanations of diagnostic codes"
    VERBATIM)
  target_sources(${target} PRIVATE ${cpp})
endfunction()
