// The session form's state and its request body (docs/clinic.md "Session file"). Pure and
// unit-tested: the form keeps what was typed as text, so nothing is lost when the server refuses
// a value; the body sends numbers where the text is a number and the text itself otherwise (so
// the server names the field). Rows left empty are not sent; `*Rows` map a sent index back to
// the form's row, so "body.vitals[1].systolic_mmhg" marks the right input.
import { scaleOf } from "./scales";

export interface VitalRow { at: string; phase: "before" | "during" | "after"; systolic: string; diastolic: string; hr: string; spo2: string }
export interface RatingBlock { scale: string; at: string; items: string[]; rater: string }
export interface AeRow { at: string; description: string; severity: string; serious: boolean; action: string; resolved: boolean; outcome: string }
export interface DischargeForm {
  at: string; alert_and_oriented: boolean; vitals_near_baseline: boolean; ambulating_steadily: boolean; escort_present: boolean;
  assessed_by: string; notes: string;
}
/** The pre-dose checklist as answered: "" is not answered (never counted as done). */
export interface ChecklistForm {
  fastingHours: string;
  escort: "" | "yes" | "no";
  pregnancyTest: "" | "negative" | "positive";
  newMedications: "" | "yes" | "no";
  newMedicationsNote: string;
  consent: "" | "yes" | "no";
}
export const emptyChecklist: ChecklistForm = { fastingHours: "", escort: "", pregnancyTest: "", newMedications: "", newMedicationsNote: "", consent: "" };

export interface SessionFormState {
  patient: number;
  course: string;
  courseSession: string;
  doseRecord: string;
  /** The stock lot the dose was drawn from (custody; docs/clinic.md "Controlled-substance custody"). */
  stockLot?: string;
  doubleCheck: string;
  checklist: ChecklistForm;
  route: string;
  dosePerKg: string;
  doseMg: string;
  startedAt: string;
  doseEndedAt: string;
  endedAt: string;
  vitals: VitalRow[];
  ratings: RatingBlock[];
  aes: AeRow[];
  discharge: DischargeForm;
  documentDischarge: boolean;
  notes: string;
}

/** "YYYY-MM-DDTHH:MM" (a datetime-local value, the browser's zone) plus minutes. */
export function addMinutes(local: string, minutes: number): string {
  const d = new Date(local);
  if (Number.isNaN(d.getTime())) return "";
  d.setMinutes(d.getMinutes() + minutes);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The default dosing start: 3 hours ago, on 5 minutes (a session is documented after it). */
export function defaultStart(now: Date = new Date()): string {
  const d = new Date(now.getTime() - 180 * 60000);
  d.setMinutes(d.getMinutes() - (d.getMinutes() % 5), 0, 0);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A datetime-local value as the server's ISO 8601 UTC form; the text itself when it is no time. */
export function toIso(local: string): string {
  const d = new Date(local);
  if (local.trim() === "" || Number.isNaN(d.getTime())) return local;
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The vitals table's time points: 10 min before, every 10 min of a 40-min infusion, then 30 and 120 min after it. */
export function plannedVitals(start: string, infusionMin = 40): VitalRow[] {
  const row = (minutes: number, phase: VitalRow["phase"]): VitalRow => ({
    at: addMinutes(start, minutes), phase, systolic: "", diastolic: "", hr: "", spo2: "",
  });
  const rows = [row(-10, "before")];
  for (let m = 10; m <= infusionMin; m += 10) rows.push(row(m, "during"));
  rows.push(row(infusionMin + 30, "after"), row(infusionMin + 120, "after"));
  return rows;
}

/**
 * Every time of the form laid out again from the dosing start: end of dosing +40 min, vitals at the
 * planned points, the first rating 15 min before, the others 45 min after the start, adverse events
 * at the end of dosing, discharge +165 min, end of observation +170 min. What was typed is kept.
 */
export function retime(s: SessionFormState): SessionFormState {
  const t = (m: number) => addMinutes(s.startedAt, m);
  const planned = plannedVitals(s.startedAt);
  return {
    ...s,
    doseEndedAt: s.route === "iv" ? t(40) : "", // SC/IM: a bolus; the server takes the start
    endedAt: t(170),
    vitals: s.vitals.map((v, i) => ({ ...v, at: planned[i]?.at ?? v.at })),
    ratings: s.ratings.map((r, i) => ({ ...r, at: t(i === 0 ? -15 : 45) })),
    aes: s.aes.map((a) => ({ ...a, at: t(40) })),
    discharge: { ...s.discharge, at: t(165) },
  };
}

export function emptyRating(scale: string, at: string, rater: string): RatingBlock {
  return { scale, at, items: scaleOf(scale).items.map(() => ""), rater };
}

const num = (text: string): number | string => {
  const t = text.trim();
  return t !== "" && Number.isFinite(Number(t)) ? Number(t) : t;
};

export interface SessionBody {
  body: Record<string, unknown>;
  vitalRows: number[];
  ratingRows: number[];
  aeRows: number[];
}

export function sessionBody(s: SessionFormState): SessionBody {
  const body: Record<string, unknown> = {
    patient: s.patient,
    route: s.route,
    dose_mg_per_kg: num(s.dosePerKg),
    started_at: toIso(s.startedAt),
    ended_at: toIso(s.endedAt),
  };
  if (s.course) body.course = Number(s.course);
  if (s.course && s.courseSession) body.course_session = Number(s.courseSession);
  if (s.doseRecord) body.dose_record = Number(s.doseRecord);
  if (s.stockLot) body.stock_lot = Number(s.stockLot);
  if (s.doseRecord && s.doubleCheck) body.double_check = Number(s.doubleCheck);
  body.checklist = checklistBody(s.checklist, s.startedAt);
  if (s.doseMg.trim()) body.dose_mg = num(s.doseMg);
  if (s.doseEndedAt.trim()) body.dose_ended_at = toIso(s.doseEndedAt);
  const vitalRows: number[] = [];
  const vitals: unknown[] = [];
  s.vitals.forEach((v, i) => {
    if ([v.systolic, v.diastolic, v.hr, v.spo2].every((x) => x.trim() === "")) return;
    const out: Record<string, unknown> = { at: toIso(v.at), phase: v.phase };
    if (v.systolic.trim()) out.systolic_mmhg = num(v.systolic);
    if (v.diastolic.trim()) out.diastolic_mmhg = num(v.diastolic);
    if (v.hr.trim()) out.heart_rate_bpm = num(v.hr);
    if (v.spo2.trim()) out.spo2_percent = num(v.spo2);
    vitals.push(out);
    vitalRows.push(i);
  });
  body.vitals = vitals;
  const ratingRows: number[] = [];
  const ratings: unknown[] = [];
  s.ratings.forEach((r, i) => {
    if (r.items.every((x) => x.trim() === "")) return;
    ratings.push({ scale: r.scale, at: toIso(r.at), items: r.items.map(num), rater: r.rater || "self" });
    ratingRows.push(i);
  });
  body.ratings = ratings;
  const aeRows: number[] = [];
  const aes: unknown[] = [];
  s.aes.forEach((a, i) => {
    if (a.description.trim() === "") return;
    const out: Record<string, unknown> = {
      at: toIso(a.at), description: a.description, severity: a.severity, serious: a.serious, action: a.action, resolved: a.resolved,
    };
    if (a.outcome.trim()) out.outcome = a.outcome;
    aes.push(out);
    aeRows.push(i);
  });
  body.adverse_events = aes;
  if (s.documentDischarge) {
    const d = s.discharge;
    body.discharge = {
      at: toIso(d.at), alert_and_oriented: d.alert_and_oriented, vitals_near_baseline: d.vitals_near_baseline,
      ambulating_steadily: d.ambulating_steadily, escort_present: d.escort_present, assessed_by: d.assessed_by, notes: d.notes,
    };
  }
  if (s.notes.trim()) body.notes = s.notes;
  return { body, vitalRows, ratingRows, aeRows };
}

const answer = (v: string): boolean | null => (v === "yes" ? true : v === "no" ? false : null);

/**
 * The checklist's JSON: unanswered items are null (unknown), never false. The fasting time is
 * asked as hours since the last food before the dosing start and sent as that time.
 */
export function checklistBody(c: ChecklistForm, startedAt: string): Record<string, unknown> {
  const hours = c.fastingHours.trim();
  const fasting = hours !== "" && Number.isFinite(Number(hours)) ? toIso(addMinutes(startedAt, -Math.round(Number(hours) * 60))) : hours;
  const out: Record<string, unknown> = {
    last_food_at: hours === "" ? null : fasting,
    escort_home_arranged: answer(c.escort),
    pregnancy_test: c.pregnancyTest === "" ? null : c.pregnancyTest,
    new_medications_or_illness: answer(c.newMedications),
    consent_current: answer(c.consent),
  };
  if (c.newMedicationsNote.trim()) out.new_medications_note = c.newMedicationsNote;
  return out;
}

/**
 * The form key of a refused JSON path: "vitals[1].systolic_mmhg" -> "vitals.3.systolic" when the
 * second vitals row sent is the form's fourth; top-level keys stay as they are.
 */
export function formKeyOf(path: string, sent: SessionBody): string {
  const m = /^(vitals|ratings|adverse_events)\[(\d+)\](?:\.(\w+))?/.exec(path);
  if (!m) return path.split(/[.[]/)[0];
  const rows = m[1] === "vitals" ? sent.vitalRows : m[1] === "ratings" ? sent.ratingRows : sent.aeRows;
  const row = rows[Number(m[2])];
  const names: Record<string, string> = { systolic_mmhg: "systolic", diastolic_mmhg: "diastolic", heart_rate_bpm: "hr", spo2_percent: "spo2" };
  const field = m[3] ? names[m[3]] ?? m[3] : "";
  const group = m[1] === "adverse_events" ? "aes" : m[1];
  return field ? `${group}.${row}.${field}` : `${group}.${row}`;
}
