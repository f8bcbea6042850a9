#include "population/subject_columns.h"

#include <array>
#include <cmath>

#include "core/text.h"

namespace ketapath::population {
namespace {

constexpr core::Range kPositive = core::positive();
constexpr core::Range kNonNegative = core::non_negative();
constexpr core::Range kFraction{.low = 0.0, .high = 1.0};
// A body weight a population file may give: any human (the clinic's own bounds are narrower).
constexpr core::Range kWeight{.low = 0.0, .high = 700.0, .low_open = true};

// Setters shared by both column sets (the kernel's parameters).
void set_ka(BatchSubject& s, double v) {
  s.ka = core::PerHour(v);
}

void set_f(BatchSubject& s, double v) {
  s.f = v;
}

void set_fpnk(BatchSubject& s, double v) {
  s.fpnk = v;
}

void set_v1(BatchSubject& s, double v) {
  s.v1 = core::Litres(v);
}

void set_v2(BatchSubject& s, double v) {
  s.v2 = core::Litres(v);
}

void set_cl(BatchSubject& s, double v) {
  s.cl = core::LitresPerHour(v);
}

void set_q(BatchSubject& s, double v) {
  s.q = core::LitresPerHour(v);
}

void set_fm(BatchSubject& s, double v) {
  s.fm = v;
}

void set_v_nk(BatchSubject& s, double v) {
  s.v_nk = core::Litres(v);
}

void set_cl_nk(BatchSubject& s, double v) {
  s.cl_nk = core::LitresPerHour(v);
}

void set_ke0(BatchSubject& s, double v) {
  s.ke0 = core::PerHour(v);
}

void set_ec50(BatchSubject& s, double v) {
  s.ec50 = core::MilligramsPerLitre(v);
}

void set_kon(BatchSubject& s, double v) {
  s.kon = core::PerHour(v);
}

void set_koff(BatchSubject& s, double v) {
  s.koff = core::PerHour(v);
}

void set_s_t12(BatchSubject& s, double v) {
  s.koff = core::PerHour(std::log(2.0) / v);
}

void set_weight(BatchSubject& s, double v) {
  s.dose_scale = v;
}

}  // namespace

std::span<const SubjectColumn> benchmark_subject_columns() {
  static const std::array<SubjectColumn, 13> columns{{
      {"KA", "1/h", kPositive, set_ka},
      {"F", "1", kFraction, set_f},
      {"V1", "L", kPositive, set_v1},
      {"V2", "L", kPositive, set_v2},
      {"CL", "L/h", kPositive, set_cl},
      {"Q", "L/h", kPositive, set_q},
      {"FM", "1", kFraction, set_fm},
      {"VNK", "L", kPositive, set_v_nk},
      {"CLNK", "L/h", kPositive, set_cl_nk},
      {"KE0", "1/h", kPositive, set_ke0},
      {"EC50", "mg/L", kPositive, set_ec50},
      {"KON", "1/h", kNonNegative, set_kon},
      {"KOFF", "1/h", kNonNegative, set_koff},
  }};
  return columns;
}

std::vector<SubjectColumn> ketamine_subject_columns(pd::Route route) {
  std::vector<SubjectColumn> columns{
      {"CL", "L/h", kPositive, set_cl},  {"V1", "L", kPositive, set_v1},
      {"Q", "L/h", kPositive, set_q},    {"V2", "L", kPositive, set_v2},
      {"FM", "1", kFraction, set_fm},    {"CLNK", "L/h", kPositive, set_cl_nk},
      {"VNK", "L", kPositive, set_v_nk}, {"KE0", "1/h", kPositive, set_ke0},
  };
  if (route != pd::Route::Iv) {
    const std::string suffix = core::ascii_upper(pd::route_name(route));
    columns.push_back({"KA_" + suffix, "1/h", kPositive, set_ka});
    columns.push_back({"F_" + suffix, "1", kFraction, set_f});
    columns.push_back({"FPNK_" + suffix, "1", kFraction, set_fpnk});
  }
  columns.push_back({"S_EC50", "mg/L", kPositive, set_ec50});
  columns.push_back({"S_KON", "1/h", kNonNegative, set_kon});
  columns.push_back({"S_T12", "h", kPositive, set_s_t12});
  columns.push_back({"WT", "kg", kWeight, set_weight});
  return columns;
}

BatchSubject ketamine_batch_subject(const pd::KetamineParameters& p, pd::Route route,
                                    core::Kilograms weight) {
  const bool iv = route == pd::Route::Iv;
  return {.ka = iv ? core::PerHour(1.0) : p.absorption(route).ka,
          .f = iv ? 1.0 : p.absorption(route).f,
          .fpnk = iv ? 0.0 : p.absorption(route).first_pass_nk,
          .v1 = p.v1,
          .v2 = p.v2,
          .cl = p.cl,
          .q = p.q,
          .fm = p.fm,
          .v_nk = p.v_nk,
          .cl_nk = p.cl_nk,
          .ke0 = p.ke0,
          .ec50 = p.s_ec50,
          .kon = p.s_kon,
          .koff = std::log(2.0) / p.s_t12,
          .dose_scale = weight.value()};
}

const SubjectColumn* find_subject_column(std::span<const SubjectColumn> columns,
                                         std::string_view name) {
  for (const SubjectColumn& column : columns) {
    if (column.name == name) {
      return &column;
    }
  }
  return nullptr;
}

}  // namespace ketapath::population
