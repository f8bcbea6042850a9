#include "population/cluster_mpi.h"

#include <cstdlib>
#include <limits>

#if KETAPATH_HAVE_MPI
#include <mpi.h>
#endif

namespace ketapath::population {

bool launched_by_mpi() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMI_SIZE") != nullptr;
}

#if KETAPATH_HAVE_MPI
namespace {

class MpiCluster final : public Cluster {
 public:
  MpiCluster() {
    MPI_Init(nullptr, nullptr);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }

  ~MpiCluster() override { MPI_Finalize(); }

  MpiCluster(const MpiCluster&) = delete;
  MpiCluster& operator=(const MpiCluster&) = delete;

  [[nodiscard]] int rank() const override { return rank_; }

  [[nodiscard]] int size() const override { return size_; }

  core::Status send_segment(std::size_t segment, const std::vector<double>& values) override {
    if (values.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
      return core::fail(core::ErrorCode::Internal, "mpi: segment {} too large to send", segment);
    }
    const int rc = MPI_Send(values.data(), static_cast<int>(values.size()), MPI_DOUBLE, 0,
                            tag(segment), MPI_COMM_WORLD);
    if (rc != MPI_SUCCESS) {
      return core::fail(core::ErrorCode::Internal,
                        "mpi: rank {} could not send segment {} (code {})", rank_, segment, rc);
    }
    return {};
  }

  core::Status receive_segment(std::size_t segment, int from,
                               std::vector<double>& values) override {
    MPI_Status status;
    const int rc = MPI_Recv(values.data(), static_cast<int>(values.size()), MPI_DOUBLE, from,
                            tag(segment), MPI_COMM_WORLD, &status);
    int received = 0;
    MPI_Get_count(&status, MPI_DOUBLE, &received);
    if (rc != MPI_SUCCESS || static_cast<std::size_t>(received) != values.size()) {
      return core::fail(core::ErrorCode::Internal,
                        "mpi: segment {} from rank {} failed (code {}, {} of {} values)", segment,
                        from, rc, received, values.size());
    }
    return {};
  }

 private:
  // Tags are bounded by MPI_TAG_UB (at least 32767); segments are received in order, so a tag
  // modulo that bound never confuses two segments in flight.
  static int tag(std::size_t segment) { return static_cast<int>(segment % 32768); }

  int rank_ = 0;
  int size_ = 1;
};

}  // namespace
#endif

core::Result<std::unique_ptr<Cluster>> launch_mpi_cluster_if_requested() {
  if (!launched_by_mpi()) {
    return std::unique_ptr<Cluster>();
  }
#if KETAPATH_HAVE_MPI
  return std::unique_ptr<Cluster>(std::make_unique<MpiCluster>());
#else
  return core::fail(core::ErrorCode::Internal,
                    "population: started by mpirun, but this ketapath was built without MPI");
#endif
}

void abort_mpi_job(int exit_code) {
#if KETAPATH_HAVE_MPI
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized != 0) {
    MPI_Abort(MPI_COMM_WORLD, exit_code);
  }
#else
  (void)exit_code;
#endif
}

}  // namespace ketapath::population
