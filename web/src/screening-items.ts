// The questions of the screening form: the keys of the server's screening answers
// (examples/clinic/screening.json) with the wording a clinician reads. What the answers mean is
// the server's: the form only collects them (yes / no / not asked = null, never read as "no").

export const gadQuestions: Array<[string, string]> = [
  ["worry_more_days_than_not", "Excessive anxiety and worry, more days than not"],
  ["worry_hard_to_control", "Finds it difficult to control the worry"],
  ["restlessness", "Restlessness or feeling keyed up or on edge"],
  ["easily_fatigued", "Being easily fatigued"],
  ["poor_concentration", "Difficulty concentrating or mind going blank"],
  ["irritability", "Irritability"],
  ["muscle_tension", "Muscle tension"],
  ["sleep_disturbance", "Sleep disturbance"],
  ["distress_or_impairment", "Clinically significant distress or impairment"],
  ["not_better_explained", "Not better explained by a substance, a medical condition or another disorder"],
];

export const contraindicationQuestions: Array<[string, string]> = [
  ["uncontrolled_hypertension", "Uncontrolled hypertension"],
  ["aneurysm_or_avm", "Aneurysmal vascular disease or arteriovenous malformation"],
  ["intracranial_bleed_history", "History of intracranial bleeding"],
  ["psychosis", "Psychosis (current or history)"],
  ["pregnancy", "Pregnancy"],
  ["active_substance_use_disorder", "Active substance use disorder"],
  ["current_depression", "Current major depressive episode"],
  ["ischaemic_heart_or_cerebrovascular_disease", "Ischaemic heart or cerebrovascular disease"],
  ["raised_intracranial_pressure", "Raised intracranial pressure"],
  ["severe_hepatic_impairment", "Severe hepatic impairment"],
  ["interacting_medication", "Interacting medication"],
];

export type Answer = "yes" | "no" | "";

export interface ScreeningAnswers {
  worryMonths: string;
  gad: Record<string, Answer>;
  contraindications: Record<string, Answer>;
}

export function emptyAnswers(): ScreeningAnswers {
  return {
    worryMonths: "",
    gad: Object.fromEntries(gadQuestions.map(([k]) => [k, ""])) as Record<string, Answer>,
    contraindications: Object.fromEntries(contraindicationQuestions.map(([k]) => [k, ""])) as Record<string, Answer>,
  };
}

const toJson = (a: Answer): boolean | null => (a === "yes" ? true : a === "no" ? false : null);

/** The request body: every key present; an unanswered question is null (unknown), never false. */
export function answersBody(a: ScreeningAnswers): { gad: Record<string, unknown>; contraindications: Record<string, unknown> } {
  const months = a.worryMonths.trim();
  const gad: Record<string, unknown> = {
    worry_duration_months: months === "" ? null : Number.isInteger(Number(months)) ? Number(months) : months,
  };
  for (const [k] of gadQuestions) gad[k] = toJson(a.gad[k]);
  const contraindications: Record<string, unknown> = {};
  for (const [k] of contraindicationQuestions) contraindications[k] = toJson(a.contraindications[k]);
  return { gad, contraindications };
}
