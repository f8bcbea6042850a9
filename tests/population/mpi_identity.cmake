# Runs `ketapath population` on 1 and on 2 MPI ranks and requires byte-identical endpoints.csv
# (every subject's endpoints in shortest round-trip form) and summaries, for the benchmark
# workload and for glue2017 (whose summary includes the clinical endpoints, computed on the rank
# that owns a segment and folded on rank 0).
# Variables: KETAPATH, MPIEXEC, WORK. Three segments of subjects: ranks 0, 1, 0 on two ranks.
set(subjects 33268)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(ENV{OMPI_ALLOW_RUN_AS_ROOT} 1)
set(ENV{OMPI_ALLOW_RUN_AS_ROOT_CONFIRM} 1)
foreach(design benchmark glue2017)
  foreach(ranks 1 2)
    execute_process(
      COMMAND ${MPIEXEC} --allow-run-as-root --oversubscribe -np ${ranks} ${KETAPATH} population
              ${design} --subjects ${subjects} --threads 1 --seed 5 --out ${WORK}/${design}-np${ranks}
      OUTPUT_FILE ${WORK}/${design}-np${ranks}.txt ERROR_VARIABLE err RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "${design}: mpirun -np ${ranks} failed (${rc}): ${err}")
    endif()
    message(STATUS "${design} np ${ranks}: ${err}")
  endforeach()
  set(files ${design}-np1.txt ${design}-np1/endpoints.csv)
  if(design STREQUAL "glue2017")
    list(APPEND files ${design}-np1/clinical.csv)
  endif()
  foreach(file ${files})
    string(REPLACE "np1" "np2" other ${file})
    execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/${file} ${WORK}/${other}
                    RESULT_VARIABLE different)
    if(different)
      message(FATAL_ERROR "1 and 2 MPI ranks differ: ${file} vs ${other}")
    endif()
  endforeach()
  file(STRINGS ${WORK}/${design}-np1/endpoints.csv lines)
  list(LENGTH lines n)
  math(EXPR expected "${subjects} + 1")
  if(NOT n EQUAL expected)
    message(FATAL_ERROR "${design}: endpoints.csv has ${n} lines, expected ${expected}")
  endif()
endforeach()
