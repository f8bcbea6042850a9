// The nlme jobs: DV is taken only from EVID 0, MDV 0 records with a value; a record error from a
// population model names FILE:LINE; the fit runs over the data set with its IDs.

#include "jobs/nlme_job.h"

#include <cmath>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "nlme/catalogue_model.h"
#include "support/must.h"

namespace ketapath::jobs {
namespace {

using testing::must;

std::filesystem::path write_file(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path;
}

std::unique_ptr<nlme::PopulationModel> one_cmt() {
  return must(nlme::make_catalogue_model({.model = pk::find_model("one_cmt"),
                                          .parameters = {{"CL", 2.0}, {"V", 10.0}},
                                          .etas = {"CL"},
                                          .omega = Eigen::MatrixXd::Constant(1, 1, 0.09),
                                          .sigma = {.proportional_variance = 0.01}}));
}

TEST(NlmeJob, DvComesFromObservationsWithMdvZero) {
  const auto path = write_file("ketapath_nlme_dv.csv",
                               "ID,TIME,AMT,EVID,MDV,DV\n"
                               "7,0,100,1,1,5\n"
                               "7,1,.,0,0,8.1\n"
                               "7,2,.,0,1,6.6\n"
                               "7,4,.,0,0,.\n"
                               "7,8,.,0,0,2.1\n");
  const NlmeData d = must(read_nlme_data(path));
  ASSERT_EQ(d.dv.size(), 1U);
  EXPECT_TRUE(std::isnan(d.dv[0][0]));  // a dose
  EXPECT_EQ(d.dv[0][1], 8.1);
  EXPECT_TRUE(std::isnan(d.dv[0][2]));  // MDV 1
  EXPECT_TRUE(std::isnan(d.dv[0][3]));  // "."
  EXPECT_EQ(d.dv[0][4], 2.1);
  const NlmeFitRun run = must(fit_population(*one_cmt(), {.data = path, .plots = true}));
  EXPECT_EQ(run.ids, std::vector<std::string>{"7"});
  EXPECT_EQ(run.fit.subjects[0].observations.size(), 2U);
  EXPECT_NE(run.gof_svg.find("goodness of fit"), std::string::npos);
  EXPECT_TRUE(run.vpc_svg.empty());
  std::filesystem::remove(path);
}

TEST(NlmeJob, RecordErrorsNameTheFileAndLine) {
  const auto path = write_file("ketapath_nlme_cmt.csv",
                               "ID,TIME,AMT,CMT,EVID\n"
                               "1,0,100,3,1\n"
                               "1,1,.,1,0\n");
  const auto r = simulate_population(*one_cmt(), {.data = path});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.rfind(path.string() + ":2: ", 0), 0U) << r.error().message;
  const auto many = simulate_population(*one_cmt(), {.data = path, .replicates = 200'000});
  ASSERT_FALSE(many);
  EXPECT_EQ(many.error().code, core::ErrorCode::LimitExceeded);
  std::filesystem::remove(path);
}

TEST(NlmeJob, DataTextIsReadAsTheFileUnderItsName) {
  const std::string text =
      "ID,TIME,AMT,EVID,MDV,DV\n"
      "7,0,100,1,1,.\n"
      "7,1,.,0,0,8.1\n"
      "7,8,.,0,0,2.1\n";
  const auto path = write_file("ketapath_nlme_text.csv", text);
  const auto model = one_cmt();
  const NlmeSimulateRun from_file =
      must(simulate_population(*model, {.data = path, .replicates = 2, .seed = 3}));
  const NlmeSimulateRun from_text = must(simulate_population(
      *model, {.data = "frame", .data_text = text, .replicates = 2, .seed = 3}));
  ASSERT_EQ(from_text.subjects.size(), from_file.subjects.size());
  for (std::size_t s = 0; s < from_file.subjects.size(); ++s) {
    EXPECT_EQ(from_text.subjects[s].eta, from_file.subjects[s].eta);
    ASSERT_EQ(from_text.subjects[s].rows.size(), from_file.subjects[s].rows.size());
    for (std::size_t r = 0; r < from_file.subjects[s].rows.size(); ++r) {
      EXPECT_EQ(from_text.subjects[s].rows[r].dv, from_file.subjects[s].rows[r].dv);
    }
  }
  const NlmeFitRun fit = must(fit_population(*model, {.data = "frame", .data_text = text}));
  EXPECT_EQ(fit.fit.subjects[0].observations.size(), 2U);
  const auto bad = fit_population(
      *model, {.data = "frame", .data_text = std::string("ID,TIME,AMT,EVID\n1,abc,.,0\n")});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "frame:2: TIME: \"abc\" is not a number");
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace ketapath::jobs
