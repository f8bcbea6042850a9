# Helpers that give every module and test the same flags and layout.

set(KETAPATH_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
    -Wswitch -Wnon-virtual-dtor -Wold-style-cast)

# ketapath_add_module(NAME SOURCES ... [PUBLIC_LINKS ...] [PRIVATE_LINKS ...])
# Defines the library ketapath_<NAME> with include root src/, so includes read "pk/model.h".
function(ketapath_add_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_LINKS;PRIVATE_LINKS" ${ARGN})
  add_library(ketapath_${name} STATIC ${ARG_SOURCES})
  target_include_directories(ketapath_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(ketapath_${name} PRIVATE ${KETAPATH_WARNINGS}
                         $<$<BOOL:${KETAPATH_WERROR}>:-Werror>)
  target_link_libraries(ketapath_${name} PUBLIC ${ARG_PUBLIC_LINKS} PRIVATE ${ARG_PRIVATE_LINKS})
endfunction()

# ketapath_add_test(NAME SOURCES ... LINKS ... [LABELS ...])
# One GoogleTest binary, registered with ctest test by test. Label "slow" for long or statistical
# suites: the default run excludes them and scripts/test.sh runs them in a second pass.
function(ketapath_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LINKS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LINKS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  # Test code is compiled at -O1 with line tables only in the default build: about half the
  # compile time of -O2 -g (docs/ci.md "Budget"); the code under test keeps its own flags.
  target_compile_options(${name} PRIVATE -Wall -Wextra $<$<CONFIG:RelWithDebInfo>:-O1 -g1>)
  target_compile_definitions(${name} PRIVATE
      KETAPATH_SOURCE_DIR="${PROJECT_SOURCE_DIR}" KETAPATH_BINARY_DIR="${PROJECT_BINARY_DIR}")
  set(labels unit)
  if(ARG_LABELS)
    set(labels ${ARG_LABELS})
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${labels}"
                       WORKING_DIRECTORY ${PROJECT_BINARY_DIR})
endfunction()
