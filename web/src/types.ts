// The shapes of the server's JSON (src/clinic/json/json_write.cpp), as far as the screens read them.

export interface PatientSummary {
  id: number;
  name: string;
  birth_date: string;
  sex: string;
}
export interface Weight {
  measured_on: string;
  weight_kg: number;
  estimated: boolean;
}
export interface Diagnosis {
  disorder: string;
  icd10: string;
  diagnosed_on: string;
  primary: boolean;
}
export interface Trial {
  kind: string;
  name: string;
  daily_dose_mg: number | null;
  min_therapeutic_daily_dose_mg: number | null;
  started_on: string | null;
  duration_weeks: number;
  psychotherapy_sessions: number;
  outcome: string;
  notes: string;
}
export interface Patient extends PatientSummary {
  weights: Weight[];
  diagnoses: Diagnosis[];
  treatment_history: Trial[];
  created_at: string;
}
export interface PlannedSession {
  number: number;
  planned_on: string;
  route: string;
  dose_mg_per_kg: number;
  duration_min: number | null;
  status: string;
  actual_on: string | null;
  session: number | null;
  note: string;
}
export interface Course {
  id: number;
  patient: number;
  protocol: string;
  start: string;
  status: string;
  sessions: PlannedSession[];
  notes: string;
  created_by: string;
  status_reason: string;
  messages?: string[];
}
export interface Alert {
  id: number;
  patient: number;
  session: number | null;
  at: string;
  level: "caution" | "pause" | "stop" | "urgent";
  measure: string;
  value: number;
  unit: string;
  threshold: number;
  message: string;
  acknowledged: boolean;
  acknowledged_by: string;
  acknowledged_at: string | null;
  acknowledgement_note: string;
}
export interface ScreeningResult {
  eligibility: "eligible" | "not_eligible" | "needs_review";
  gad_criteria_met: boolean;
  gad_symptom_count: number;
  treatment_resistant: boolean;
  failed_adequate_trials: number;
  reasons: string[];
  unknown_answers?: string[];
  unknown_exclusions?: string[];
}
/** A correction of a signed record (docs/clinic.md "Amendments"): the original stays visible. */
export interface Amendment {
  id: number;
  record_kind: "session" | "assessment" | "screening";
  record: number;
  field: string;
  original: string;
  amended: string;
  reason: string;
  amended_by: string;
  amended_at: string;
  replacement?: number;
}
export interface ScreeningRecord {
  id: number | null;
  patient: number;
  performed_at: string;
  screened_on: string;
  performed_by: string;
  result: ScreeningResult;
  amends?: number;
  amendments?: Amendment[];
}
export interface ActiveMedication {
  name: string;
  dose: string;
  frequency: string;
  started_on: string;
}
export interface Medications {
  on: string;
  medications: ActiveMedication[];
  last_reconciled: string | null;
  warnings: string[];
}
export interface Consent {
  id: number;
  consented_on: string;
  form_version: string;
  witness: string;
  recorded_by: string;
}
export interface CareTeamMember {
  id: number;
  role: string;
  name: string;
  practice: string;
  contact: string;
}
export interface DoseCalculation {
  weight_kg: number;
  weight_measured_on: string;
  dose_mg_per_kg: number;
  dose_mg: number;
  concentration_mg_per_ml: number;
  volume_ml: number;
  duration_min: number | null;
  rate_ml_per_h: number | null;
  limit: string;
  override_reason: string;
  arithmetic: string[];
  warnings: string[];
}
/** An order's validity (the dose record is the prescriber's order, docs/clinic.md). */
export interface OrderTerms {
  valid_from: string;
  valid_until: string | null;
  course: number | null;
  status: "active" | "discontinued";
  discontinued_at: string | null;
  discontinued_by: string;
  discontinue_reason: string;
}
export interface DoseRecord extends DoseCalculation {
  id: number | null;
  patient: number;
  session: number | null;
  route: string;
  drug: string;
  calculated_at: string;
  calculated_by: string;
  order: OrderTerms | null;
}
/** A double check (its numbers are never listed back) or a checklist waiver. */
export interface OrderCheck {
  id: number;
  order: number;
  patient: number;
  kind: "double_check" | "waiver";
  day: string;
  weight_kg: number | null;
  dose_mg: number | null;
  item: string | null;
  reason: string;
  recorded_by: string;
  recorded_at: string;
  session: number | null;
}
export interface Rating {
  scale: string;
  at: string;
  items: number[];
  total: number;
  rater: string;
}
export interface AdverseEvent {
  at: string;
  description: string;
  severity: string;
  action: string;
  resolved: boolean;
  serious: boolean;
  outcome: string;
}
export interface Session {
  id: number | null;
  patient: number;
  course: number | null;
  course_session: number | null;
  route: string;
  dose_mg_per_kg: number;
  dose_mg: number;
  started_at: string;
  ended_at: string;
  vitals: Vital[];
  ratings: Rating[];
  adverse_events: AdverseEvent[];
  notes: string;
  amendments?: Amendment[];
  discharge: { ready: boolean; not_ready_reasons: string[]; at: string } | null;
  checklist: { waivers: string[] } | null;
  double_check: number | null;
  checked_by: string;
  recorded_by: string;
}
export interface Vital {
  at: string;
  phase: string;
  systolic_mmhg: number | null;
  diastolic_mmhg: number | null;
  heart_rate_bpm: number | null;
  spo2_percent: number | null;
}
export interface Assessment {
  id: number;
  amendments?: Amendment[];
  rating: Rating;
  timing: string;
  hours_since_dose: number | null;
  flags: string[];
  recorded_by: string;
}
export interface TrajectoryPoint {
  at: string;
  session_index: number;
  infusion: number;
  hours_since_dose: number | null;
  timing: string;
  total: number;
  change_from_baseline: number;
}
export interface ResponseSummary {
  scale: string;
  baseline: number | null;
  baseline_at: string | null;
  trajectory: TrajectoryPoint[];
  acute: TrajectoryPoint[];
  latest: string;
  best: string;
  recommendation: string;
  suggestion: string;
  /** Highest trough total that is a response (the clinic's policy, from the server). */
  responder_total: number | null;
  /** The scale's remission cut-off: a response at or below it is remission. */
  remission_total: number | null;
}
export interface ResponsePlan {
  scales: ResponseSummary[];
  recommendation: string;
  decided_by: string | null;
  rule: string;
  proposed_dates: string[];
  dates_basis: string;
}

/** A stock lot with its ledger balance (GET /api/v1/stock; docs/clinic.md "Controlled-substance custody"). */
export interface StockLot {
  id: number;
  product: string;
  concentration_mg_per_ml: number;
  lot: string;
  expires_on: string;
  supplier: string;
  received_at: string;
  received_by: string;
  balance_mg: number;
  expired: boolean;
}
