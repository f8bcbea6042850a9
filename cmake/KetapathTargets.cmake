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
  # User models compile their $DES into a cache (usermodel/native_des.h): the build tree's.
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${labels}"
                       ENVIRONMENT "KETAPATH_CACHE_DIR=${PROJECT_BINARY_DIR}/test-cache"
                       WORKING_DIRECTORY ${PROJECT_BINARY_DIR})
endfunction()

# ketapath_position_independent(TARGET): compiles TARGET and every ketapath_* static library it
# links, directly or through their links, as position-independent code, so they can go into a
# shared library (the bindings' facade). -fno-semantic-interposition keeps GCC inlining and
# cloning within a translation unit as without -fPIC (nothing interposes these symbols), so the
# executable built from the same objects runs as fast as before (docs/architecture.md).
function(ketapath_position_independent target)
  get_property(done GLOBAL PROPERTY KETAPATH_PIC_DONE)
  if(target IN_LIST done OR NOT TARGET ${target})
    return()
  endif()
  set_property(GLOBAL APPEND PROPERTY KETAPATH_PIC_DONE ${target})
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "STATIC_LIBRARY")
    set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
    target_compile_options(${target} PRIVATE -fno-semantic-interposition)
  endif()
  set(links)
  foreach(property IN ITEMS LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
    get_target_property(values ${target} ${property})
    if(values)
      list(APPEND links ${values})
    endif()
  endforeach()
  foreach(link IN LISTS links)
    string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" link "${link}")
    if(link MATCHES "^ketapath_")
      ketapath_position_independent(${link})
    endif()
  endforeach()
endfunction()
