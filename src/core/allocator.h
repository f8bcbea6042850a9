#pragma once

// Process-wide tuning of glibc's allocator for the engine's allocation pattern. Simulating one
// subject resolves its records into events and keeps state snapshots: a few hundred KB, freed
// when the subject is done. With glibc's defaults the heap top is handed back to the kernel after
// each subject and faulted in again for the next, which cost half the time of a user ODE model
// on the benchmark workload (docs/performance.md, "User models"). Keeping 16 MB of slack at the
// top of the heap (M_TOP_PAD) removes that churn. Front ends (the CLI, benchmarks) call this once
// at start-up; libraries never do, so a process that embeds Ketapath (R, Python) keeps its own.

namespace ketapath::core {

/// Sets M_TOP_PAD to 16 MB. Idempotent; does nothing where the allocator is not glibc's.
void tune_allocator();

}  // namespace ketapath::core
