#include "pk/piecewise.h"

#include "core/check.h"

namespace ketapath::pk {

PiecewisePropagator::PiecewisePropagator(std::vector<std::unique_ptr<Propagator>> pieces,
                                         std::vector<std::size_t> piece_of_record)
    : pieces_(std::move(pieces)), piece_of_record_(std::move(piece_of_record)) {
  KETAPATH_ASSERT(!pieces_.empty(), "PiecewisePropagator needs at least one piece");
  for (const std::size_t p : piece_of_record_)
    KETAPATH_ASSERT(p < pieces_.size(), "PiecewisePropagator: piece index out of range");
  for (const auto& piece : pieces_)
    linear_ = linear_ && piece->linear();
}

}  // namespace ketapath::pk
