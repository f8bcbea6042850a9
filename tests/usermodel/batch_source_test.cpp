// A user model on the batch kernel's structure (models/user/benchmark_workload_batch.toml): its
// $PK, run per drawn subject, gives exactly the built-in benchmark's subjects for the same seed
// (every parameter bit for bit, 1,000 subjects, in two chunks), and the refusals: simulate/fit
// cannot bind it, and a model reading a covariate cannot feed a batch population.

#include "usermodel/batch_source.h"

#include <string>

#include <gtest/gtest.h>

#include "population/benchmark_workload.h"
#include "usermodel/model_file.h"

namespace ketapath::usermodel {
namespace {

std::shared_ptr<const UserModel> load(const std::string& text = {}) {
  auto definition = text.empty() ? read_model_file(std::string(KETAPATH_SOURCE_DIR) +
                                                   "/models/user/benchmark_workload_batch.toml")
                                 : parse_model_file(text, "m.toml");
  EXPECT_TRUE(definition) << definition.error().message;
  auto model = UserModel::create(std::move(*definition));
  EXPECT_TRUE(model) << model.error().message;
  return std::move(*model);
}

TEST(BatchSource, TheUserModelGivesTheBuiltInBenchmarkSubjects) {
  const auto source = batch_source(load(), 3);
  ASSERT_TRUE(source) << source.error().message;
  population::BatchSubjects ours;
  ASSERT_TRUE((*source)(0, 400, ours));
  ASSERT_TRUE((*source)(400, 600, ours));
  population::BatchSubjects builtin;
  population::append_benchmark_subjects(0, 1000, 3, builtin);
  ASSERT_EQ(ours.size(), 1000u);
  for (std::size_t i = 0; i < 1000; ++i) {
    const population::BatchSubject a = ours.at(i);
    const population::BatchSubject b = builtin.at(i);
    EXPECT_EQ(a.cl.value(), b.cl.value()) << i;
    EXPECT_EQ(a.v1.value(), b.v1.value()) << i;
    EXPECT_EQ(a.ka.value(), b.ka.value()) << i;
    EXPECT_EQ(a.kon.value(), b.kon.value()) << i;
    EXPECT_EQ(a.f, b.f);
    EXPECT_EQ(a.v2.value(), b.v2.value());
    EXPECT_EQ(a.q.value(), b.q.value());
    EXPECT_EQ(a.fm, b.fm);
    EXPECT_EQ(a.v_nk.value(), b.v_nk.value());
    EXPECT_EQ(a.cl_nk.value(), b.cl_nk.value());
    EXPECT_EQ(a.ke0.value(), b.ke0.value());
    EXPECT_EQ(a.ec50.value(), b.ec50.value());
    EXPECT_EQ(a.koff.value(), b.koff.value());
  }
  // Another seed, other subjects.
  population::BatchSubjects other;
  ASSERT_TRUE((*batch_source(load(), 4))(0, 1, other));
  EXPECT_NE(other.at(0).cl.value(), ours.at(0).cl.value());
}

TEST(BatchSource, SimulateAndFitCannotBindIt) {
  pk::SubjectTimeline subject;
  subject.id = "1";
  const auto bound = load()->bind(subject, {}, {});
  ASSERT_FALSE(bound);
  EXPECT_NE(bound.error().message.find("structure ketamine_batch runs in batch populations"),
            std::string::npos)
      << bound.error().message;
}

TEST(BatchSource, AMissingParameterOrACovariateIsRefused) {
  const std::string minimal = R"([model]
name = "b"
structure = "ketamine_batch"

[[covariate]]
name = "WT"
unit = "kg"

[pk]
code = '''
KA = 4
F1 = 0.9
V1 = 80 * WT/70
V2 = 172
CL = 79
Q = 250
FM = 0.7
VNK = 100
CLNK = 50
KE0 = 5
EC50 = 0.2
KON = 0.18
KOFF = 0.004
'''
)";
  const auto source = batch_source(load(minimal), 1);
  ASSERT_FALSE(source);
  EXPECT_NE(source.error().message.find("m.toml: reads covariate WT; a batch population draws"),
            std::string::npos)
      << source.error().message;
  std::string without_koff = minimal;
  without_koff.replace(without_koff.find("KOFF = 0.004\n"), 13, "");
  auto definition = parse_model_file(without_koff, "m.toml");
  ASSERT_TRUE(definition);
  const auto model = UserModel::create(std::move(*definition));
  ASSERT_FALSE(model);
  EXPECT_EQ(model.error().message,
            "m.toml: pk: never sets KOFF (1/h); structure ketamine_batch needs KA, F1, V1, V2, "
            "CL, Q, FM, VNK, CLNK, KE0, EC50, KON, KOFF");
}

}  // namespace
}  // namespace ketapath::usermodel
