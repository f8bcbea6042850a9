#include "clinic/domain/patient.h"

namespace ketapath::clinic {

std::optional<WeightRecord> latest_weight(const Patient& patient, Date on) {
  std::optional<WeightRecord> best;
  for (const WeightRecord& w : patient.weights) {
    if (w.measured_on <= on && (!best || w.measured_on >= best->measured_on)) {
      best = w;
    }
  }
  return best;
}

}  // namespace ketapath::clinic
