#pragma once
// The figures of `ketapath trial --plot DIR`, as SVG documents (the caller writes the files):
//   <design>_reduction.svg   mean reduction on the primary scale against time after each dose
//   <design>_responders.svg  responders per dose (design's rule applied to that dose alone)
//   <design>_cadss.svg       rated CADSS against time after each dose
//   <design>_sbp.svg         change in systolic BP against time after each dose
// Lines are the median over replicates of the trial mean; bands its 5th-95th percentiles. Per
// arm, the first session of each distinct dose and the last session are drawn (at most 6).

#include <string>
#include <vector>

#include "trial/run_trial.h"

namespace ketapath::io {

struct Figure {
  std::string file_name;  ///< "glue2017_reduction.svg"
  std::string svg;
};

std::vector<Figure> trial_figures(const trial::TrialResult& result);

}  // namespace ketapath::io
