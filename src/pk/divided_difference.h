#pragma once
// Divided differences of f(mu) = exp(mu * dt): the building block of the closed-form state
// advance. A chain of first-order transfers with rate constants r1..rm (depot -> mode -> effect
// site, with r = 0 standing for a constant input) responds after dt with the product of its
// transfer coefficients times f[-r1, ..., -rm]. Equal or nearly equal rates (KA = CL/V, KE0 equal
// to a disposition eigenvalue) are the confluent case, where the textbook formula divides 0 by 0;
// this routine stays accurate to a few ulps there: nodes closer than one unit of mu*dt are handled
// by a Taylor series of the divided difference about their midpoint, and wider ones by the
// recurrence, which cannot cancel badly because exp's divided differences are all positive.

#include <span>

namespace ketapath::pk {

/// f[mu_1, ..., mu_m] for f(mu) = exp(mu * dt), 1 <= m <= 6, any real nodes (repeats allowed),
/// dt >= 0. For m = 1 this is exp(mu_1 dt); for two equal nodes it is dt exp(mu dt).
double exp_divided_difference(std::span<const double> nodes, double dt);

}  // namespace ketapath::pk
