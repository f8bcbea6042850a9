#pragma once
// A propagator whose model changes at records: one solver per distinct parameter set, and the one
// for each interval chosen by the event loop through select() (NONMEM's next-record rule,
// resolve.h). Used for time-varying covariates; with one piece it is its piece.

#include <cstddef>
#include <memory>
#include <vector>

#include "pk/propagator.h"

namespace ketapath::pk {

class PiecewisePropagator final : public Propagator {
 public:
  /// `piece_of_record[r]` indexes `pieces` for record r; every index must be valid.
  PiecewisePropagator(std::vector<std::unique_ptr<Propagator>> pieces,
                      std::vector<std::size_t> piece_of_record);

  core::Status advance(Eigen::VectorXd& x, const Eigen::VectorXd& rates, double dt) override {
    return pieces_[current_]->advance(x, rates, dt);
  }

  [[nodiscard]] bool linear() const override { return linear_; }

  void select(std::size_t interval_record) override {
    current_ = interval_record < piece_of_record_.size() ? piece_of_record_[interval_record] : 0;
    pieces_[current_]->select(interval_record);
  }

 private:
  std::vector<std::unique_ptr<Propagator>> pieces_;
  std::vector<std::size_t> piece_of_record_;
  std::size_t current_ = 0;
  bool linear_ = true;
};

}  // namespace ketapath::pk
