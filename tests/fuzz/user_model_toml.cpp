// User model files (usermodel::parse_model_file, `simulate/fit --model-file`): reading, compiling
// the $PK / $DES / IPRED code with muparser, and for a model that compiles, binding it to one small
// subject and predicting at ETA = 0 (catalogue closed forms only, so every input stays fast).
#include "fuzz/fuzz_support.h"
#include "pk/event_timeline.h"
#include "usermodel/model_file.h"
#include "usermodel/user_model.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ketapath;
  constexpr std::string_view kOrigin = "fuzz.toml";
  auto definition = usermodel::parse_model_file(fuzz::as_text(data, size), kOrigin);
  if (!definition) {
    fuzz::check_refusal(definition.error(), kOrigin);
    return 0;
  }
  const bool closed_form = !definition->structure.catalogue.empty();
  // No compiler per input: the translation still runs (Program::compile), the build does not.
  auto model = usermodel::UserModel::create(std::move(*definition), {.native_des = false});
  if (!model) {
    fuzz::check_refusal(model.error(), kOrigin);
    return 0;
  }
  if (!closed_form)
    return 0;
  pk::SubjectTimeline subject;
  subject.id = "1";
  subject.covariate_names = {"WT"};
  pk::Record dose;
  dose.kind = pk::RecordKind::Dose;
  dose.dose.amount = core::Milligrams(100.0);
  dose.source_line = 2;
  dose.covariates = {70.0};
  pk::Record sample;
  sample.time = core::Hours(2.0);
  sample.source_line = 3;
  sample.covariates = {72.0};
  subject.records = {dose, sample};
  auto bound = (*model)->bind(subject, {}, {});
  if (!bound)
    return 0;  // data-dependent refusals (a missing covariate, a negative CL) are fine
  std::vector<double> ipred((*bound)->rows().size());
  const std::vector<double> eta((*model)->etas().size(), 0.0);
  (void)(*bound)->predict(eta, ipred);
  return 0;
}
