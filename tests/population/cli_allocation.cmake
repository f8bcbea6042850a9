# `ketapath population` on a two-arm design (issue 16 item 6): with allocation = "parallel" (the
# default) the arms hold different patients, with allocation = "paired" the same ones. Seen in
# each subject's first pre-dose LSAS rating (s1_lsas_0h, before any treatment), which depends only
# on the patient and their noise: equal arm by arm when paired, not when parallel.
# Variables: KETAPATH, DESIGN, WORK.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
file(READ ${DESIGN} text)
string(REPLACE "name = \"placebo_parallel_test\"" "name = \"placebo_paired_test\"\nallocation = \"paired\""
       paired "${text}")
file(WRITE ${WORK}/paired.toml "${paired}")

function(first_ratings csv out)
  file(STRINGS ${csv} rows)
  list(GET rows 0 header)
  string(REPLACE "," ";" names "${header}")
  list(FIND names "s1_lsas_0h" column)
  if(column EQUAL -1)
    message(FATAL_ERROR "${csv} has no s1_lsas_0h column: ${header}")
  endif()
  list(REMOVE_AT rows 0)
  set(values "")
  foreach(row IN LISTS rows)
    string(REPLACE "," ";" fields "${row}")
    list(GET fields ${column} v)
    list(APPEND values "${v}")
  endforeach()
  set(${out} "${values}" PARENT_SCOPE)
endfunction()

foreach(kind parallel paired)
  set(file ${DESIGN})
  if(kind STREQUAL "paired")
    set(file ${WORK}/paired.toml)
  endif()
  execute_process(COMMAND ${KETAPATH} population ${file} --subjects 40 --seed 5
                          --out ${WORK}/${kind}
                  OUTPUT_QUIET ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${kind}: population failed (${rc}): ${err}")
  endif()
  first_ratings(${WORK}/${kind}/arm1/clinical.csv one)
  first_ratings(${WORK}/${kind}/arm2/clinical.csv two)
  list(LENGTH one n)
  if(NOT n EQUAL 40)
    message(FATAL_ERROR "${kind}: ${n} subjects in arm 1, expected 40")
  endif()
  if(kind STREQUAL "paired" AND NOT one STREQUAL two)
    message(FATAL_ERROR "paired arms hold different patients:\n${one}\n${two}")
  endif()
  if(kind STREQUAL "parallel" AND one STREQUAL two)
    message(FATAL_ERROR "parallel arms hold the same patients:\n${one}")
  endif()
endforeach()
