# The runtime's unit tests once more under AddressSanitizer and
# UndefinedBehaviorSanitizer, in every ordinary build (`make test`): a second
# copy of libreml_runtime.a compiled with the sanitizers and one executable
# of all tests/unit/runtime*_test.cpp linked against it. LeakSanitizer stays
# on. A build that is already a sanitizer build (HAKO_SANITIZE) runs the
# plain runtime tests instrumented and needs no copy.
if(NOT HAKO_SANITIZE)
  set(reml_sanitize_flags -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)

  add_library(reml_runtime_sanitized STATIC ${REML_RUNTIME_SOURCES})
  target_link_libraries(reml_runtime_sanitized PUBLIC reml_runtime_headers m PRIVATE reml_runtime_cxx)
  target_compile_options(reml_runtime_sanitized PRIVATE ${HAKO_WARNINGS} -O1 ${reml_sanitize_flags})
  target_link_options(reml_runtime_sanitized INTERFACE -fsanitize=address,undefined)

  file(GLOB runtime_test_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/unit/runtime*_test.cpp)
  add_executable(runtime_test_sanitized ${runtime_test_sources})
  target_link_libraries(runtime_test_sanitized PRIVATE reml_runtime_sanitized GTest::gtest GTest::gtest_main)
  target_compile_options(runtime_test_sanitized PRIVATE ${HAKO_WARNINGS} ${reml_sanitize_flags})
  gtest_discover_tests(runtime_test_sanitized TEST_PREFIX "sanitized." DISCOVERY_TIMEOUT 60)
endif()
