# `ketapath population glue2017` on 1 and 3 threads: byte-identical summaries, which contain the
# clinical endpoints (responders by the design's rule, reductions, CADSS and vitals peaks).
# Variables: KETAPATH, WORK.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
foreach(threads 1 3)
  execute_process(
    COMMAND ${KETAPATH} population glue2017 --subjects 1500 --threads ${threads} --seed 3
    OUTPUT_FILE ${WORK}/threads${threads}.txt ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "--threads ${threads} failed (${rc}): ${err}")
  endif()
endforeach()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/threads1.txt
                        ${WORK}/threads3.txt RESULT_VARIABLE different)
if(different)
  message(FATAL_ERROR "1 and 3 threads differ: ${WORK}/threads1.txt vs threads3.txt")
endif()
file(READ ${WORK}/threads1.txt summary)
foreach(expected "responders (design rule): " "HAM-A reduction %" "FQ reduction %"
                 "CADSS peak (rated)" "dSBP peak mmHg" "dHR peak bpm" "ketamine Cmax")
  string(FIND "${summary}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "summary lacks \"${expected}\":\n${summary}")
  endif()
endforeach()
string(FIND "${summary}" "plasticity responders" surrogate)
if(NOT surrogate EQUAL -1)
  message(FATAL_ERROR "a design's summary should not print the S-max surrogate line")
endif()
