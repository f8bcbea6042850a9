#pragma once
// The event scenarios of the acceptance and solver suites: NM-TRAN records for a model plus, next
// to them, the hand-expanded doses NONMEM gives them (the reference runs for test_support.h).
#include <string>
#include <vector>

#include <fmt/format.h>

#include "test_support.h"

namespace ketapath::pk::testing {

inline constexpr int kImplied = 400;

struct Scenario {
  std::string name;
  ParameterValues extra;
  std::vector<Record> records;
  std::vector<std::vector<Action>> runs;  // reference: the sum of these runs (superposition)
};

// d: default dose compartment, c: central (0-based); p(name, n) builds "F1" etc.
inline std::string param(const char* prefix, int zero_based) {
  return fmt::format("{}{}", prefix, zero_based + 1);
}

inline Scenario bolus_addl(int d, int c) {
  // F = 0.8 on the dose compartment; for models without a depot it is the central one too.
  const double fc = c == d ? 0.8 : 1.0;
  Scenario s{"bolus_addl", {{param("F", d), 0.8}}, {}, {}};
  s.records = {dose(0, 100, {.ii = 12, .addl = 3}),
               observation(1),
               observation(6),
               observation(12),  // ties with the first ADDL dose: NONMEM gives the dose first
               observation(13),
               observation(24.5),
               dose(30, 50, {.cmt = c + 1}),
               observation(30),
               observation(36),
               observation(48)};
  s.runs = {{ref_bolus(0, d, 80), ref_output(1), ref_output(6), ref_bolus(12, d, 80),
             ref_output(12), ref_output(13), ref_bolus(24, d, 80), ref_output(24.5),
             ref_bolus(30, c, 50 * fc), ref_output(30), ref_bolus(36, d, 80), ref_output(36),
             ref_output(48)}};
  return s;
}

inline Scenario infusions(int d, int c) {
  // F = 0.8 and ALAG = 0.75 on the dose compartment; D and R modelled.
  // RATE=40: the rate is kept, the duration is F*AMT/RATE = 2 h, starting at the lagged 0.75 h.
  // RATE=-2 with D = 1.5: the duration is kept, rate = 0.8*60/1.5 = 32 mg/h from 5.75 h.
  // RATE=-1 into central with R = 20: rate 20, duration F*30/20.
  const bool same = c == d;
  Scenario s{
      "infusions",
      {{param("F", d), 0.8}, {param("ALAG", d), 0.75}, {param("D", d), 1.5}, {param("R", c), 20.0}},
      {},
      {}};
  s.records = {dose(0, 100, {.rate = 40}),
               observation(0.5),
               observation(0.75),
               observation(1.5),
               observation(2.75),
               observation(4),
               dose(5, 60, {.rate = -2}),
               observation(6),
               observation(7.25),
               dose(8, 30, {.cmt = c + 1, .rate = -1}),
               observation(9),
               observation(12),
               observation(24)};
  std::vector<Action> run{ref_output(0.5),
                          ref_infusion(0.75, d, 40, 2),
                          ref_output(0.75),
                          ref_output(1.5),
                          ref_output(2.75),
                          ref_output(4),
                          ref_infusion(5.75, d, 32, 1.5),
                          ref_output(6),
                          ref_output(7.25)};
  run.push_back(same ? ref_infusion(8.75, c, 20, 1.2) : ref_infusion(8, c, 20, 1.5));
  for (double t : {9.0, 12.0, 24.0})
    run.push_back(ref_output(t));
  s.runs = {run};
  return s;
}

inline void implied(std::vector<Action>& run, double last_entry, double interval,
                    const Action& like) {
  run.push_back(ref_reset(last_entry - kImplied * interval));
  for (int k = kImplied; k >= 1; --k) {
    Action a = like;
    a.time = last_entry - k * interval;
    run.push_back(a);
  }
}

inline Scenario steady_state(int d, int c) {
  // F = 0.8, ALAG = 1 on the dose compartment. Each SS=1 record resets to the steady state of its
  // regimen as seen at the record time: the implied doses entered at TIME + ALAG - k*II.
  const bool same = c == d;
  Scenario s{"steady_state", {{param("F", d), 0.8}, {param("ALAG", d), 1.0}}, {}, {}};
  s.records = {dose(0, 100, {.ii = 12, .ss = 1}), observation(0), observation(0.5), observation(1),
               observation(6), observation(11.9),
               // infusion at steady state: duration 0.8*100/50 = 1.6 h
               dose(24, 100, {.rate = 50, .ii = 12, .ss = 1}), observation(24), observation(25.5),
               observation(30),
               // into central, duration F*200/10 > II: overlapping infusions at steady state
               dose(48, 200, {.cmt = c + 1, .rate = 10, .ii = 12, .ss = 1}), observation(48),
               observation(50), observation(54), observation(60), observation(70)};
  std::vector<Action> run;
  implied(run, 1, 12, ref_bolus(0, d, 80));
  for (double t : {0.0, 0.5})
    run.push_back(ref_output(t));
  run.push_back(ref_bolus(1, d, 80));
  for (double t : {1.0, 6.0, 11.9})
    run.push_back(ref_output(t));
  implied(run, 25, 12, ref_infusion(0, d, 50, 1.6));
  run.push_back(ref_output(24));
  run.push_back(ref_infusion(25, d, 50, 1.6));
  for (double t : {25.5, 30.0})
    run.push_back(ref_output(t));
  const double start = same ? 49 : 48;
  const double duration = same ? 16 : 20;
  implied(run, start, 12, ref_infusion(0, c, 10, duration));
  if (!same)
    run.push_back(ref_infusion(48, c, 10, duration));
  run.push_back(ref_output(48));
  if (same)
    run.push_back(ref_infusion(49, c, 10, duration));
  for (double t : {50.0, 54.0, 60.0, 70.0})
    run.push_back(ref_output(t));
  s.runs = {run};
  return s;
}

inline Scenario superposition(int d, int c) {
  // SS=1 100 mg every 24 h at 0, then SS=2 50 mg into central every 24 h at 8: the result is the
  // sum of the two regimens, each at steady state (PREDPP's AM/PM example).
  const double fc = c == d ? 0.8 : 1.0;
  Scenario s{"superposition", {{param("F", d), 0.8}}, {}, {}};
  s.records = {dose(0, 100, {.ii = 24, .ss = 1}),
               dose(8, 50, {.cmt = c + 1, .ii = 24, .ss = 2}),
               observation(8),
               observation(10),
               observation(20),
               observation(30)};
  std::vector<Action> first;
  implied(first, 0, 24, ref_bolus(0, d, 80));
  first.push_back(ref_bolus(0, d, 80));
  std::vector<Action> second;
  implied(second, 8, 24, ref_bolus(0, c, 50 * fc));
  second.push_back(ref_bolus(8, c, 50 * fc));
  for (double t : {8.0, 10.0, 20.0, 30.0}) {
    first.push_back(ref_output(t));
    second.push_back(ref_output(t));
  }
  s.runs = {first, second};
  return s;
}

inline Scenario resets(int d, int c) {
  // EVID 3 stops the running infusion; EVID 4 restarts the clock at 1 h (time goes back) with
  // ADDL doses that are plain doses; the steady-state constant infusion (AMT=0, RATE=10, SS=1,
  // II=0) sets the infusion's equilibrium and, as PREDPP documents, terminates at its record.
  Scenario s{"resets", {}, {}, {}};
  s.records = {dose(0, 100, {.rate = 20}),
               observation(2),
               reset(3),
               observation(4),
               dose(5, 50),
               observation(6),
               dose(1, 80, {.ii = 6, .addl = 2, .kind = RecordKind::ResetAndDose}),
               observation(2),
               observation(7),
               observation(20),
               dose(25, 0, {.cmt = c + 1, .rate = 10, .ss = 1}),
               observation(25),
               observation(26),
               observation(30)};
  std::vector<Action> run{ref_infusion(0, d, 20, 5),
                          ref_output(2),
                          ref_reset(3),
                          ref_output(4),
                          ref_bolus(5, d, 50),
                          ref_output(6),
                          ref_reset(1),
                          ref_bolus(1, d, 80),
                          ref_output(2),
                          ref_bolus(7, d, 80),
                          ref_output(7),
                          ref_bolus(13, d, 80),
                          ref_output(20),
                          ref_reset(25 - 20000.0),
                          ref_infusion(25 - 20000.0, c, 10, 20000.0),
                          ref_output(25),
                          ref_output(26),
                          ref_output(30)};
  s.runs = {run};
  return s;
}

inline std::vector<Scenario> scenarios(const ModelSpec& model) {
  const int d = model.default_dose_compartment - 1;
  const int c = model.central_compartment - 1;
  return {bolus_addl(d, c), infusions(d, c), steady_state(d, c), superposition(d, c), resets(d, c)};
}

/// Parameters of a scenario: typical values, its extras, and KE0 when asked.
inline ParameterValues scenario_parameters(const std::string& model, const Scenario& s,
                                           bool effect_site) {
  ParameterValues p = typical_parameters(model);
  if (effect_site)
    p["KE0"] = 0.9;
  for (const auto& [name, value] : s.extra)
    p[name] = value;
  return p;
}

/// Reference states (amounts, then CE) at the scenario's outputs.
inline std::vector<Eigen::VectorXd> reference_states(const std::string& model,
                                                     const ParameterValues& p, const Scenario& s) {
  ReferenceSimulator reference(reference_matrix(model, p));
  std::vector<Eigen::VectorXd> expected;
  for (const auto& run : s.runs) {
    const auto states = reference.run(run);
    if (expected.empty()) {
      expected = states;
    } else {
      for (std::size_t i = 0; i < states.size(); ++i)
        expected[i] += states[i];
    }
  }
  return expected;
}

}  // namespace ketapath::pk::testing
