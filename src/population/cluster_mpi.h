#pragma once
// OpenMPI transport for the batch runner. Only this file's library links MPI, and MPI_Init runs
// only when the process was started by mpirun (OMPI_COMM_WORLD_SIZE or PMI_SIZE in the
// environment), so a plain `ketapath population` never initialises MPI.
//
// Example:
//   auto cluster = population::launch_mpi_cluster_if_requested();   // Result<unique_ptr<Cluster>>
//   run_population(schedule, source, options, sink, cluster->get());  // nullptr: one process

#include <memory>

#include "core/error.h"
#include "population/batch_runner.h"

namespace ketapath::population {

/// True when the environment says this process was started by mpirun/mpiexec.
bool launched_by_mpi();

/// An MPI cluster over MPI_COMM_WORLD when launched by mpirun (MPI_Init now, MPI_Finalize when
/// the object is destroyed), otherwise nullptr. Internal error when launched by mpirun but this
/// build has no MPI.
core::Result<std::unique_ptr<Cluster>> launch_mpi_cluster_if_requested();

/// Ends every process of the job (MPI_Abort) so that a failure on one rank does not leave the
/// others waiting for its segments. Does nothing without MPI.
void abort_mpi_job(int exit_code);

}  // namespace ketapath::population
