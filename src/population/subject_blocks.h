#pragma once
// Many subjects through the batch kernel, in blocks of subjects that need similar work.
//
// A block of kLanes subjects solves S's collocation at a step while any of its lanes still feels
// the drug (batch_kernel.h), so one slowly clearing subject keeps seven others solving. Blocks
// formed from subjects whose drug effect fades at similar rates take fewer collocation steps.
// A lane's arithmetic uses only its own values; the block-level shortcuts (all lanes' drive
// negligible, all lanes' C settled) skip work whose result a lane would not change, so a subject's
// results are bit for bit the same in any block (tested): the grouping changes speed only.

#include <cstddef>
#include <vector>

#include "population/batch_model.h"

namespace ketapath::population {

/// Positions first .. first + count - 1 ordered by the rate at which each subject's effect-site
/// concentration finally decays (the slowest of KA, the slow disposition rate and KE0), slowest
/// first; ties keep their order.
std::vector<std::size_t> tail_order(const BatchSubjects& subjects, std::size_t first,
                                    std::size_t count);

/// Copies lanes 0 .. count - 1 of a block's profiles (simulate_block's layout: time, then
/// variable, then lane) to rows[l] (time, then variable), for `times` output times.
void copy_block_profiles(const double* block, std::size_t times, std::size_t count,
                         double* const* rows);

/// Simulates subjects [first, first + count) of `subjects` in blocks formed by tail_order.
/// endpoints: count x kEndpointCount values, subject-major, in subject order.
/// profiles (optional): count x output times x kProfileVariables values, subject-major (then
/// time, then variable), in subject order.
/// Parameters must be valid (BatchSubjects::validate).
void simulate_subjects(const BatchSchedule& schedule, const BatchSubjects& subjects,
                       std::size_t first, std::size_t count, double* endpoints,
                       double* profiles = nullptr);

}  // namespace ketapath::population
