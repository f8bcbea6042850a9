// Text forms of the clinic enums: one core::NameTable per enum, used for both directions so that
// printing and parsing can never disagree. Route, sex and rating scale are the engine's types with
// their one table each (pd/route.h, pd/sex.h, pd/scales.h).

#include <array>
#include <utility>

#include "clinic/domain/alert.h"
#include "clinic/domain/assessment.h"
#include "clinic/domain/care_team.h"
#include "clinic/domain/course.h"
#include "clinic/domain/dose.h"
#include "clinic/domain/drug_library.h"
#include "clinic/domain/patient.h"
#include "clinic/domain/scales.h"
#include "clinic/domain/screening.h"
#include "clinic/domain/session.h"
#include "core/name_table.h"

namespace ketapath::clinic {
namespace {

using core::name_of;
using core::value_of;
template <class E, std::size_t N>
using Table = core::NameTable<E, N>;

constexpr Table<Disorder, 5> kDisorder{{{Disorder::Gad, "gad"},
                                        {Disorder::SocialAnxiety, "sad"},
                                        {Disorder::Panic, "panic"},
                                        {Disorder::SpecificPhobia, "specific_phobia"},
                                        {Disorder::Other, "other"}}};
constexpr Table<TreatmentKind, 3> kKind{{{TreatmentKind::Antidepressant, "antidepressant"},
                                         {TreatmentKind::OtherMedication, "other_medication"},
                                         {TreatmentKind::Psychotherapy, "psychotherapy"}}};
constexpr Table<TrialOutcome, 6> kOutcome{{{TrialOutcome::Remission, "remission"},
                                           {TrialOutcome::Response, "response"},
                                           {TrialOutcome::PartialResponse, "partial_response"},
                                           {TrialOutcome::NonResponse, "non_response"},
                                           {TrialOutcome::Intolerance, "intolerance"},
                                           {TrialOutcome::Ongoing, "ongoing"}}};
constexpr Table<Eligibility, 3> kEligibility{{{Eligibility::Eligible, "eligible"},
                                              {Eligibility::NotEligible, "not_eligible"},
                                              {Eligibility::NeedsReview, "needs_review"}}};
constexpr Table<ResistanceDefinition, 2> kResistance{
    {{ResistanceDefinition::OneAdequateAntidepressant, "one_adequate_antidepressant"},
     {ResistanceDefinition::Consensus2024, "consensus_2024"}}};
constexpr Table<LimitLevel, 3> kLimit{
    {{LimitLevel::None, "none"}, {LimitLevel::Soft, "soft"}, {LimitLevel::Hard, "hard"}}};
constexpr Table<CourseProtocol, 6> kProtocol{
    {{CourseProtocol::AscendingSc, "ascending_sc"},
     {CourseProtocol::IvLoading, "iv_loading"},
     {CourseProtocol::MaintenanceWeekly, "maintenance_weekly"},
     {CourseProtocol::MaintenanceTwiceWeekly, "maintenance_twice_weekly"},
     {CourseProtocol::MaintenanceTaper, "maintenance_taper"},
     {CourseProtocol::MaintenanceForecast, "maintenance_forecast"}}};
constexpr Table<PlannedStatus, 5> kPlanned{{{PlannedStatus::Planned, "planned"},
                                            {PlannedStatus::Done, "done"},
                                            {PlannedStatus::Missed, "missed"},
                                            {PlannedStatus::Cancelled, "cancelled"},
                                            {PlannedStatus::Skipped, "skipped"}}};
constexpr Table<CourseStatus, 4> kCourseStatus{{{CourseStatus::Active, "active"},
                                                {CourseStatus::Completed, "completed"},
                                                {CourseStatus::Stopped, "stopped"},
                                                {CourseStatus::Cancelled, "cancelled"}}};
constexpr Table<Phase, 3> kPhase{
    {{Phase::Before, "before"}, {Phase::During, "during"}, {Phase::After, "after"}}};
constexpr Table<Severity, 3> kSeverity{
    {{Severity::Mild, "mild"}, {Severity::Moderate, "moderate"}, {Severity::Severe, "severe"}}};
constexpr Table<AlertLevel, 4> kAlert{{{AlertLevel::Caution, "caution"},
                                       {AlertLevel::Pause, "pause"},
                                       {AlertLevel::Stop, "stop"},
                                       {AlertLevel::Urgent, "urgent"}}};

constexpr Table<CareRole, 2> kCareRole{{
    {CareRole::Psychiatrist, "psychiatrist"},
    {CareRole::Pcp, "pcp"},
}};
constexpr Table<RatingTiming, 2> kTiming{{
    {RatingTiming::Trough, "trough"},
    {RatingTiming::Acute, "acute"},
}};

}  // namespace

std::string_view to_string(Disorder v) {
  return name_of(kDisorder, v);
}

std::string_view to_string(TreatmentKind v) {
  return name_of(kKind, v);
}

std::string_view to_string(TrialOutcome v) {
  return name_of(kOutcome, v);
}

std::string_view to_string(Eligibility v) {
  return name_of(kEligibility, v);
}

std::string_view to_string(ResistanceDefinition v) {
  return name_of(kResistance, v);
}

std::string_view to_string(LimitLevel v) {
  return name_of(kLimit, v);
}

std::string_view to_string(CourseProtocol v) {
  return name_of(kProtocol, v);
}

std::string_view to_string(PlannedStatus v) {
  return name_of(kPlanned, v);
}

std::string_view to_string(CourseStatus v) {
  return name_of(kCourseStatus, v);
}

std::string_view to_string(Phase v) {
  return name_of(kPhase, v);
}

std::string_view to_string(Severity v) {
  return name_of(kSeverity, v);
}

std::string_view to_string(AlertLevel v) {
  return name_of(kAlert, v);
}

core::Result<Disorder> parse_disorder(std::string_view t) {
  return value_of(kDisorder, t, "disorder");
}

core::Result<TreatmentKind> parse_treatment_kind(std::string_view t) {
  return value_of(kKind, t, "treatment kind");
}

core::Result<TrialOutcome> parse_trial_outcome(std::string_view t) {
  return value_of(kOutcome, t, "trial outcome");
}

core::Result<Eligibility> parse_eligibility(std::string_view t) {
  return value_of(kEligibility, t, "eligibility");
}

core::Result<ResistanceDefinition> parse_resistance_definition(std::string_view t) {
  return value_of(kResistance, t, "resistance definition");
}

core::Result<LimitLevel> parse_limit_level(std::string_view t) {
  return value_of(kLimit, t, "limit");
}

core::Result<CourseProtocol> parse_course_protocol(std::string_view t) {
  return value_of(kProtocol, t, "protocol");
}

core::Result<PlannedStatus> parse_planned_status(std::string_view t) {
  return value_of(kPlanned, t, "planned session status");
}

core::Result<CourseStatus> parse_course_status(std::string_view t) {
  return value_of(kCourseStatus, t, "course status");
}

core::Result<Phase> parse_phase(std::string_view t) {
  return value_of(kPhase, t, "phase");
}

core::Result<Severity> parse_severity(std::string_view t) {
  return value_of(kSeverity, t, "severity");
}

std::string_view to_string(CareRole v) {
  return name_of(kCareRole, v);
}

core::Result<CareRole> parse_care_role(std::string_view t) {
  return value_of(kCareRole, t, "care team role");
}

std::string_view to_string(RatingTiming v) {
  return name_of(kTiming, v);
}

core::Result<RatingTiming> parse_rating_timing(std::string_view t) {
  return value_of(kTiming, t, "rating timing");
}

core::Result<AlertLevel> parse_alert_level(std::string_view t) {
  return value_of(kAlert, t, "alert level");
}

}  // namespace ketapath::clinic
