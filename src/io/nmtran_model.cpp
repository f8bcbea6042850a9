// Checks that need the model: compartments that exist, and the R<n>/D<n> parameters that
// RATE=-1/-2 doses ask for. Reading alone cannot know them.

#include <fmt/ranges.h>

#include "io/nmtran.h"

namespace ketapath::io {
namespace {

std::string compartment_list(const pk::ModelSpec& model) {
  std::vector<std::string> parts;
  for (const pk::CompartmentSpec& compartment : model.compartments) {
    parts.push_back(fmt::format("{} {}", compartment.number, compartment.name));
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

bool has_compartment(const pk::ModelSpec& model, int number) {
  for (const pk::CompartmentSpec& compartment : model.compartments) {
    if (compartment.number == number) {
      return true;
    }
  }
  return false;
}

core::Error no_compartment(const NmtranData& data, const pk::Record& record,
                           const pk::ModelSpec& model, int cmt) {
  return core::Error{
      core::ErrorCode::InvalidData,
      fmt::format("{}:{}: CMT: \"{}\" model {} has no compartment {} (it has {})", data.source,
                  record.source_line, cmt, model.name, cmt, compartment_list(model))};
}

}  // namespace

core::Status validate_against(const pk::ModelSpec& model, const pk::ParameterValues& parameters,
                              const NmtranData& data) {
  for (const pk::SubjectTimeline& subject : data.subjects) {
    for (const pk::Record& record : subject.records) {
      const bool dose =
          record.kind == pk::RecordKind::Dose || record.kind == pk::RecordKind::ResetAndDose;
      if (!dose) {
        // CMT 0 on an observation means the central compartment; others must exist.
        if (record.observed_compartment != 0 &&
            !has_compartment(model, record.observed_compartment)) {
          return std::unexpected(no_compartment(data, record, model, record.observed_compartment));
        }
        continue;
      }
      const int written = record.dose.compartment;
      if (written != 0 && !has_compartment(model, written)) {
        return std::unexpected(no_compartment(data, record, model, written));
      }
      const int cmt = written == 0 ? model.default_dose_compartment : written;
      const auto require = [&](char prefix, int rate_item,
                               std::string_view meaning) -> core::Status {
        const std::string name = fmt::format("{}{}", prefix, cmt);
        if (parameters.find(name) == parameters.end()) {
          return core::fail(core::ErrorCode::InvalidData,
                            "{}:{}: RATE: \"{}\" needs the parameter {} ({} of compartment {}), "
                            "which is not given",
                            data.source, record.source_line, rate_item, name, meaning, cmt);
        }
        return {};
      };
      if (record.dose.rate_kind == pk::RateKind::ModelledRate) {
        KETAPATH_TRY(require('R', -1, "modelled infusion rate"));
      } else if (record.dose.rate_kind == pk::RateKind::ModelledDuration) {
        KETAPATH_TRY(require('D', -2, "modelled infusion duration"));
      }
    }
  }
  return {};
}

}  // namespace ketapath::io
