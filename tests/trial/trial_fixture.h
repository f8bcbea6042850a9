#pragma once
// A small two-arm design built in code (ketamine ascending SC vs placebo sessions) for the trial
// unit tests, independent of the bundled design files.

#include "support/must.h"
#include "trial/design.h"

namespace ketapath::trial::testing {

inline Metric metric(Metric::Kind kind, std::string arm, int session) {
  Metric m;
  m.kind = kind;
  m.arms = {std::move(arm)};
  m.session = SessionSelector{SessionSelector::Kind::Index, session, protocol::Agent::Ketamine};
  return m;
}

inline Design two_arm_design() {
  using core::Hours;
  Design d;
  d.name = "unit";
  d.assessments.scales = {pd::Scale::HamA, pd::Scale::Fq};
  d.assessments.ratings = {Hours(0.0), Hours(1.0), Hours(24.0), Hours(168.0)};
  d.assessments.cadss = {Hours(0.25), Hours(0.5), Hours(1.0), Hours(2.0)};
  d.assessments.vitals = {Hours(0.0), Hours(0.5), Hours(1.0), Hours(2.0)};
  d.responder = ResponderRule{"test rule", {pd::Scale::HamA, pd::Scale::Fq}, 0.5, {}, Hours(168.0)};

  protocol::Phase ketamine;
  ketamine.route = protocol::Route::Sc;
  ketamine.doses = {protocol::DoseAmount::per_kg(core::MilligramsPerKilogram(0.25)),
                    protocol::DoseAmount::per_kg(core::MilligramsPerKilogram(0.5)),
                    protocol::DoseAmount::per_kg(core::MilligramsPerKilogram(1.0))};
  ketamine.schedule = ketapath::testing::must(protocol::interval_schedule(protocol::kWeek, 3));
  protocol::Phase placebo = ketamine;
  placebo.agent = protocol::Agent::Placebo;
  placebo.doses = {protocol::DoseAmount::fixed(core::Milligrams(0.0))};
  d.arms = {Arm{"ketamine", 6, protocol::Regimen{{ketamine}}},
            Arm{"placebo", 6, protocol::Regimen{{placebo}}}};

  Endpoint order{.name = "cadss_model_increases",
                 .definition = "model CADSS peak rises with dose",
                 .unit = "probability",
                 .kind = Endpoint::Kind::Ordering,
                 .increasing = true,
                 .items = {},
                 .published = std::nullopt,
                 .tolerance = std::pair(0.8, 1.0)};
  for (int s = 1; s <= 3; ++s) {
    Metric m = metric(Metric::Kind::MeanPeak, "ketamine", s);
    m.variable = Variable::CadssModel;
    order.items.push_back(m);
  }
  d.endpoints.push_back(order);

  Metric placebo_cadss = metric(Metric::Kind::MeanPeak, "placebo", 1);
  placebo_cadss.variable = Variable::CadssModel;
  d.endpoints.push_back({"placebo_cadss",
                         "no drug",
                         "points",
                         Endpoint::Kind::Value,
                         true,
                         {placebo_cadss},
                         std::nullopt,
                         std::pair(-0.5, 0.5),
                         0.95});
  Metric placebo_sbp = metric(Metric::Kind::MeanValue, "placebo", 2);
  placebo_sbp.variable = Variable::Dsbp;
  placebo_sbp.at = Hours(0.5);
  d.endpoints.push_back({"placebo_sbp",
                         "no drug",
                         "mmHg",
                         Endpoint::Kind::Value,
                         true,
                         {placebo_sbp},
                         std::nullopt,
                         std::pair(100.0, 200.0),
                         0.95});
  Metric fq = metric(Metric::Kind::MeanReduction, "ketamine", 3);
  fq.scale = pd::Scale::Fq;
  fq.at = Hours(1.0);
  d.endpoints.push_back({"fq_1h_dose3",
                         "reduction",
                         "fraction",
                         Endpoint::Kind::Value,
                         true,
                         {fq},
                         std::nullopt,
                         std::nullopt,
                         0.95});
  Metric responders;
  responders.kind = Metric::Kind::Responders;
  d.endpoints.push_back({"responders",
                         "rule",
                         "subjects",
                         Endpoint::Kind::Value,
                         true,
                         {responders},
                         std::nullopt,
                         std::nullopt,
                         0.95});
  return d;
}

}  // namespace ketapath::trial::testing
