# `ketapath population` on a design with a saline-only parallel arm (issue 16 item 7): it runs (it
# used to refuse "the arm gives no ketamine"), the saline arm has no drug (Cmax 0) and still
# reports its ratings (the expectancy response and noise), as `trial` does; the agreement of its
# records with the per-subject path is tests/trial/batch_outcome_test.cpp's.
# Variables: KETAPATH, DESIGN.
execute_process(COMMAND ${KETAPATH} population ${DESIGN} --subjects 500 --seed 4
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "population failed (${rc}): ${err}")
endif()
string(FIND "${out}" "arm placebo_only (0 ketamine doses, route iv): 500 subjects" at)
if(at EQUAL -1)
  message(FATAL_ERROR "no saline-only arm in:\n${out}")
endif()
string(SUBSTRING "${out}" ${at} -1 saline)
foreach(pattern "ketamine Cmax +ng/mL +0 +0 +0 +0 +0" "LSAS reduction % +3.66667 h +500 ")
  if(NOT saline MATCHES "${pattern}")
    message(FATAL_ERROR "the saline arm lacks \"${pattern}\":\n${saline}")
  endif()
endforeach()
