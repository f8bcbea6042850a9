// Event resolution: the ordering rule, cancellation by resets, extra output times, and one test
// per record or parameter error with its exact message.
#include "pk/resolve.h"

#include <gtest/gtest.h>

#include "pk/simulate.h"
#include "pk/structure.h"
#include "test_support.h"

namespace ketapath::pk {
namespace {

using namespace testing;

const ParameterValues kOneCmt{{"CL", 5.0}, {"V", 50.0}};

core::Result<std::vector<OutputRow>> run(const std::string& model, const ParameterValues& p,
                                         std::vector<Record> records,
                                         std::vector<double> grid = {}) {
  SimulationOptions options;
  for (double t : grid)
    options.extra_times.push_back(core::Hours(t));
  return simulate(*find_model(model), p, timeline(std::move(records)), options);
}

std::string error_of(const std::string& model, const ParameterValues& p, std::vector<Record> r) {
  const auto rows = run(model, p, std::move(r));
  return rows ? std::string("no error") : rows.error().message;
}

TEST(OrderingTest, ExplicitRecordsInFileOrder) {
  // Observation before the dose at the same time sees nothing; after it, the dose.
  const auto rows = run("one_cmt", kOneCmt, {observation(0), dose(0, 100), observation(0)});
  ASSERT_TRUE(rows);
  EXPECT_EQ((*rows)[0].cp, 0.0);
  EXPECT_EQ((*rows)[1].cp, 2.0);
}

TEST(OrderingTest, AdditionalDoseComesBeforeAnExplicitRecordAtTheSameTime) {
  // NONMEM gives an ADDL-implied dose before an observation record at its time (mrgsolve #424,
  // its recsort 1/3): the observation at 12 h sees the second dose.
  const auto rows = run("one_cmt", kOneCmt, {dose(0, 100, {.ii = 12, .addl = 1}), observation(12)});
  ASSERT_TRUE(rows);
  EXPECT_NEAR((*rows)[0].cp, 2.0 * std::exp(-1.2) + 2.0, 1e-14);
}

TEST(OrderingTest, LaggedDoseEntersBeforeAnObservationAtItsEntryTime) {
  const ParameterValues p{{"CL", 5.0}, {"V", 50.0}, {"ALAG1", 2.0}};
  const auto rows = run("one_cmt", p, {dose(0, 100), observation(1.999), observation(2)});
  ASSERT_TRUE(rows);
  EXPECT_EQ((*rows)[0].cp, 0.0);
  EXPECT_EQ((*rows)[1].cp, 2.0);
}

TEST(OrderingTest, ExtraTimesMergeAfterDataRowsOnTies) {
  const auto rows =
      run("one_cmt", kOneCmt, {dose(0, 100), observation(1), observation(3)}, {3, 0, 1, 2, 5});
  ASSERT_TRUE(rows);
  const std::vector<double> times{0, 1, 1, 2, 3, 3, 5};
  const std::vector<bool> grid{true, false, true, true, false, true, true};
  ASSERT_EQ(rows->size(), times.size());
  for (std::size_t i = 0; i < times.size(); ++i) {
    EXPECT_EQ((*rows)[i].time.value(), times[i]);
    EXPECT_EQ((*rows)[i].record_index == kGridRow, grid[i]) << i;
  }
  EXPECT_EQ((*rows)[1].record_index, 1u);
  EXPECT_EQ((*rows)[0].cp, 2.0);  // the grid row at 0 comes after the dose record at 0
}

TEST(OrderingTest, ExtraTimesAfterAClockResetGoBeforeTheFirstLaterRecord) {
  // Records at 0 (dose), 10 (obs), then EVID 4 restarting the clock at 2. The extra time 7 goes
  // before the first record later than 7 (the observation at 10), i.e. into the first stretch;
  // 12 goes after the last record, into the second.
  const auto rows = run("one_cmt", kOneCmt,
                        {dose(0, 100), observation(10),
                         dose(2, 50, {.kind = RecordKind::ResetAndDose}), observation(3)},
                        {7, 12});
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_NEAR((*rows)[0].cp, 2.0 * std::exp(-0.7), 1e-15);  // t = 7 after the first dose
  EXPECT_NEAR((*rows)[1].cp, 2.0 * std::exp(-1.0), 1e-15);  // t = 10
  EXPECT_NEAR((*rows)[2].cp, 1.0 * std::exp(-0.1), 1e-15);  // t = 3 after the reset dose at 2
  EXPECT_NEAR((*rows)[3].cp, 1.0 * std::exp(-1.0), 1e-15);  // t = 12
}

TEST(SteadyStateTest, LagEqualToTheIntervalGivesThePostDoseState) {
  // ALAG = II: the last implied dose enters exactly at the record time (PREDPP clamps the phase
  // to 0, the steady-state peak, as measured for NONMEM 7.6 in ferx-core #1125).
  const ParameterValues p{{"CL", 5.0}, {"V", 50.0}, {"ALAG1", 12.0}};
  const auto rows = run("one_cmt", p, {dose(0, 100, {.ii = 12, .ss = 1}), observation(0)});
  ASSERT_TRUE(rows);
  EXPECT_NEAR((*rows)[0].cp, 2.0 / (1 - std::exp(-1.2)), 1e-14);
}

TEST(SteadyStateTest, SuperposedOverlappingInfusionsAddToTheCurrentState) {
  // SS=2 with an infusion longer than II (30 h every 12 h) on top of an SS=1 bolus regimen equals
  // the sum of each regimen at steady state alone.
  const ParameterValues p = typical_parameters("two_cmt");
  const auto both =
      run("two_cmt", p,
          {dose(0, 100, {.ii = 24, .ss = 1}), dose(6, 300, {.rate = 10, .ii = 12, .ss = 2}),
           observation(6), observation(20), observation(40)});
  const auto first =
      run("two_cmt", p,
          {dose(0, 100, {.ii = 24, .ss = 1}), observation(6), observation(20), observation(40)});
  const auto second = run("two_cmt", p,
                          {dose(6, 300, {.rate = 10, .ii = 12, .ss = 1}), observation(6),
                           observation(20), observation(40)});
  ASSERT_TRUE(both && first && second);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR((*both)[i].cp, (*first)[i].cp + (*second)[i].cp, 1e-12) << i;
  }
}

TEST(CancellationTest, ResetCancelsPendingAdditionalDosesAndInfusions) {
  const auto rows = run("one_cmt", kOneCmt,
                        {dose(0, 100, {.ii = 12, .addl = 5}), dose(1, 50, {.rate = 5}), reset(30),
                         observation(30), observation(40)});
  ASSERT_TRUE(rows);
  EXPECT_EQ((*rows)[0].cp, 0.0);
  EXPECT_EQ((*rows)[1].cp, 0.0);  // no ADDL dose at 36, no infusion left
}

TEST(CancellationTest, SteadyStateResetCancelsEarlierRecordsButNotItsOwnAdditionalDoses) {
  const auto with_history = run("one_cmt", kOneCmt,
                                {dose(0, 500, {.ii = 6, .addl = 20}),
                                 dose(24, 100, {.ii = 12, .addl = 2, .ss = 1}), observation(40)});
  const auto alone =
      run("one_cmt", kOneCmt, {dose(24, 100, {.ii = 12, .addl = 2, .ss = 1}), observation(40)});
  ASSERT_TRUE(with_history && alone);
  EXPECT_NEAR((*with_history)[0].cp, (*alone)[0].cp, 1e-15);
}

TEST(CancellationTest, ResetAndDoseWithAdditionalDosesResetsOnlyOnce) {
  // EVID 4 with ADDL: the additional doses are plain doses (NONMEM; rxode2 #1353, mrgsolve #23).
  const auto rows =
      run("one_cmt", kOneCmt,
          {dose(0, 100, {.ii = 12, .addl = 1, .kind = RecordKind::ResetAndDose}), observation(12)});
  ASSERT_TRUE(rows);
  EXPECT_NEAR((*rows)[0].cp, 2.0 * std::exp(-1.2) + 2.0, 1e-14);
}

TEST(BioavailabilityTest, ZeroBioavailabilityDeliversNothingAndLeavesLaterInfusionsIntact) {
  // F1 = 0 on the depot: the modelled-duration infusion into it delivers nothing; an infusion into
  // the central compartment running at the same time is unaffected (2 mg/h for 5 h into 50 L).
  const ParameterValues p{{"KA", 1.0}, {"CL", 5.0}, {"V", 50.0}, {"F1", 0.0}, {"D1", 2.0}};
  const auto rows = run("one_cmt_depot", p,
                        {dose(0, 100, {.rate = -2}), dose(0, 10, {.cmt = 2, .rate = 2}),
                         observation(1), observation(3)});
  ASSERT_TRUE(rows);
  EXPECT_EQ((*rows)[0].amounts[0], 0.0);
  // One-compartment infusion: C = R/CL (1 - e^{-k t}), k = 0.1.
  EXPECT_NEAR((*rows)[1].cp, 2.0 / 5.0 * (1 - std::exp(-0.3)), 1e-15);
}

TEST(RecordErrorTest, CompartmentTheModelLacks) {
  EXPECT_EQ(
      error_of("two_cmt", typical_parameters("two_cmt"), {dose(0, 100, {.cmt = 3, .line = 7})}),
      "line 7: CMT: model two_cmt has no compartment 3 (got 3)");
  Record obs = observation(1, 4);
  obs.observed_compartment = 5;
  EXPECT_EQ(error_of("one_cmt", kOneCmt, {obs}),
            "line 4: CMT: model one_cmt has no compartment 5 (got 5)");
}

TEST(RecordErrorTest, ModelledRateOrDurationWithoutItsParameter) {
  EXPECT_EQ(error_of("one_cmt", kOneCmt, {dose(0, 100, {.rate = -1, .line = 2})}),
            "line 2: RATE: -1 needs the modelled rate parameter R1 (got RATE=-1 and no R1)");
  EXPECT_EQ(error_of("one_cmt", kOneCmt, {dose(0, 100, {.rate = -2, .line = 3})}),
            "line 3: RATE: -2 needs the modelled duration parameter D1 (got RATE=-2 and no D1)");
}

TEST(RecordErrorTest, AmountsIntervalsAndTime) {
  EXPECT_EQ(error_of("one_cmt", kOneCmt, {dose(0, -5, {.line = 2})}),
            "line 2: AMT must be >= 0 (got -5)");
  EXPECT_EQ(
      error_of("one_cmt", kOneCmt, {dose(0, 0, {.line = 2})}),
      "line 2: AMT: a dose needs AMT > 0 unless it is a steady-state constant infusion (got 0)");
  EXPECT_EQ(error_of("one_cmt", kOneCmt, {dose(0, 10, {.addl = 2, .line = 5})}),
            "line 5: II: ADDL=2 needs II > 0 (got 0)");
  EXPECT_EQ(error_of("one_cmt", kOneCmt, {dose(0, 10, {.rate = 5, .ss = 1, .line = 6})}),
            "line 6: II: a steady-state dose with AMT > 0 needs II > 0 (got 0)");
  EXPECT_EQ(error_of("one_cmt", kOneCmt, {dose(0, 10, {.ii = 12, .addl = -1, .line = 6})}),
            "line 6: ADDL must be >= 0 (got -1) (the empirical steady state is not supported)");
  EXPECT_EQ(error_of("one_cmt", kOneCmt, {dose(0, 0, {.rate = 5, .addl = 1, .ss = 1, .line = 8})}),
            "line 8: ADDL: must be 0 for a steady-state constant infusion (got 1)");
  EXPECT_EQ(error_of("one_cmt", kOneCmt, {observation(5, 2), observation(4, 3)}),
            "line 3: TIME: time goes backwards without an EVID 3 or 4 reset (got 4 after 5)");
  const ParameterValues lagged{{"CL", 5.0}, {"V", 50.0}, {"ALAG1", 13.0}};
  EXPECT_EQ(error_of("one_cmt", lagged, {dose(0, 10, {.ii = 12, .ss = 1, .line = 9})}),
            "line 9: ALAG1: the lag of a steady-state dose must not exceed II=12 (got 13)");
}

TEST(ParameterErrorTest, MissingNonPositiveUnknownAndOutOfRange) {
  auto message = [](const std::string& model, const ParameterValues& p) {
    const auto s = make_structure(*find_model(model), p);
    return s ? std::string("no error") : s.error().message;
  };
  EXPECT_EQ(message("one_cmt", {{"CL", -1.0}, {"V", 50.0}}),
            "one_cmt: parameter CL must be > 0 (got -1)");
  EXPECT_EQ(message("two_cmt", {{"CL", 1.0}, {"V1", 5.0}, {"V2", 3.0}}),
            "two_cmt: parameter Q (intercompartmental clearance, L/h) is missing");
  EXPECT_EQ(message("one_cmt", {{"CL", 1.0}, {"V", 5.0}, {"Q", 3.0}}),
            "one_cmt: parameter Q is not a parameter of this model (got 3)");
  EXPECT_EQ(message("one_cmt", {{"CL", 1.0}, {"V", 5.0}, {"F2", 1.0}}),
            "one_cmt: parameter F2 is not a parameter of this model (got 1)");
  EXPECT_EQ(message("one_cmt", {{"CL", 1.0}, {"V", 5.0}, {"ALAG1", -0.5}}),
            "one_cmt: parameter ALAG1 must be >= 0 (got -0.5)");
  EXPECT_EQ(message("one_cmt", {{"CL", 1.0}, {"V", 5.0}, {"F1", -0.1}}),
            "one_cmt: parameter F1 must be >= 0 (got -0.1)");
  EXPECT_EQ(message("one_cmt", {{"CL", 1.0}, {"V", 5.0}, {"D1", 0.0}}),
            "one_cmt: parameter D1 must be > 0 (got 0)");
  EXPECT_EQ(message("one_cmt", {{"CL", 1.0}, {"V", 5.0}, {"KE0", 0.0}}),
            "one_cmt: parameter KE0 must be > 0 (got 0)");
  EXPECT_EQ(message("one_cmt_mm", {{"VM", 1.0}, {"KM", 0.0}, {"V", 5.0}}),
            "one_cmt_mm: parameter KM must be > 0 (got 0)");
  EXPECT_EQ(message("one_cmt", {{"CL", std::nan("")}, {"V", 5.0}}),
            "one_cmt: parameter CL must be a finite number (got nan)");
  EXPECT_EQ(message("three_cmt_depot", {{"KA", 1.0},
                                        {"CL", 1.0},
                                        {"V2", 5.0},
                                        {"Q3", 1.0},
                                        {"V3", 5.0},
                                        {"Q4", 1.0},
                                        {"V4", 5.0},
                                        {"F4", 1.0},
                                        {"ALAG1", 0.0}}),
            "no error");
}

TEST(CatalogueTest, NamesCompartmentsAndParametersFollowNonmem) {
  ASSERT_EQ(model_catalogue().size(), 7u);
  const ModelSpec* m = find_model("three_cmt_depot");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->nonmem, "ADVAN12 TRANS4");
  std::vector<std::string> names;
  for (const auto& p : m->parameters)
    names.push_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{"KA", "CL", "V2", "Q3", "V3", "Q4", "V4"}));
  EXPECT_EQ(m->central_compartment, 2);
  EXPECT_EQ(m->default_dose_compartment, 1);
  EXPECT_EQ(m->central_volume, "V2");
  EXPECT_FALSE(find_model("one_cmt_mm")->closed_form);
  EXPECT_EQ(find_model("nope"), nullptr);
}

}  // namespace
}  // namespace ketapath::pk
