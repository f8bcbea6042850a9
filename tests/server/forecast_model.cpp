// The model the server tests hand to the forecast routes (server_fixture.h).

#include "io/model_file.h"
#include "server_fixture.h"

namespace ketapath::server::testing {

std::shared_ptr<const pd::KetamineModel> bundled_forecast_model() {
  static const auto model = std::make_shared<const pd::KetamineModel>(must(io::load_model(
      "ketamine",
      io::DataDirectories::from(std::nullopt, std::nullopt, std::nullopt, KETAPATH_SOURCE_DIR))));
  return model;
}

}  // namespace ketapath::server::testing
