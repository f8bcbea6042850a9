// Session documentation: course and the prescriber's order, the second user's double check, the
// pre-dose checklist, the vitals table at the planned time points, each scale as its items with a
// running total, adverse events, the discharge checklist. The server
// checks the draft as it changes (POST /sessions/preview, nothing stored) and shows the alerts it
// would raise; saving is one POST /sessions (one transaction). A refusal is shown beside the field
// it names and the form keeps everything typed.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, currentUser, get, post } from "../api";
import { itemTotal, refusalField } from "../logic";
import { scaleOf, scales } from "../scales";
import {
  addMinutes, defaultStart, emptyChecklist, emptyRating, retime, formKeyOf, plannedVitals, sessionBody, type AeRow, type ChecklistForm, type SessionBody,
  type SessionFormState, type VitalRow,
} from "../session-form";
import type { Alert, Course, DoseRecord, OrderCheck, Patient, Session, StockLot } from "../types";
import { Check, ErrorLine, Field, Section, Select, messageOf, useLoad } from "../ui";

const topKeys = ["dose_mg_per_kg", "dose_mg", "dose_record", "stock_lot", "double_check", "checklist", "course_session", "course", "started_at", "dose_ended_at", "ended_at",
  "vitals", "ratings", "adverse_events", "discharge", "route", "notes"];

/** An order a session may cite: active (not discontinued); a one-day order not yet used. */
export function usableOrder(d: DoseRecord): boolean {
  if (!d.order || d.order.status !== "active") return false;
  const oneDay = d.order.course === null && d.order.valid_until === d.order.valid_from;
  return !(oneDay && d.session !== null);
}

function initial(patient: number, start: string): SessionFormState {
  const rater = currentUser()?.name ?? "";
  return {
    patient, course: "", courseSession: "", doseRecord: "", doubleCheck: "", checklist: { ...emptyChecklist }, route: "iv", dosePerKg: "", doseMg: "",
    startedAt: start, doseEndedAt: addMinutes(start, 40), endedAt: addMinutes(start, 170),
    vitals: plannedVitals(start),
    ratings: [emptyRating("gad-7", addMinutes(start, -15), "self"), emptyRating("cadss", addMinutes(start, 45), rater)],
    aes: [],
    discharge: { at: addMinutes(start, 165), alert_and_oriented: false, vitals_near_baseline: false, ambulating_steadily: false, escort_present: false, assessed_by: rater, notes: "" },
    documentDischarge: true,
    notes: "",
  };
}

interface Refusal { key: string; message: string }

function AlertList({ alerts, title }: { alerts: Alert[]; title: string }) {
  if (alerts.length === 0) return <p>No alert {title === "Alerts raised" ? "was raised" : "would be raised"}.</p>;
  return (
    <ul class="alerts">
      {alerts.map((a, i) => (
        <li key={i} class={`alert level-${a.level}`}><span class="badge">{a.level}</span> {a.message}</li>
      ))}
    </ul>
  );
}

export function SessionForm({ patient }: { patient: number }) {
  const info = useLoad(async () => {
    const [p, c, d, st] = await Promise.all([
      get<Patient>(`/patients/${patient}`),
      get<{ courses: Course[] }>(`/patients/${patient}/courses`),
      get<{ doses: DoseRecord[] }>(`/patients/${patient}/doses`),
      get<{ stock: StockLot[] }>("/stock"),
    ]);
    return {
      patient: p, courses: c.courses.filter((x) => x.status === "active"), doses: d.doses.filter(usableOrder),
      lots: st.stock.filter((x) => !x.expired && x.balance_mg > 0),
    };
  }, `session-${patient}`);
  const [s, setS] = useState<SessionFormState>(() => initial(patient, defaultStart()));
  const [prefilled, setPrefilled] = useState(false);
  const [preview, setPreview] = useState<{ alerts: Alert[]; warnings: string[] } | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [saved, setSaved] = useState<{ session: Session; alerts: Alert[]; warnings: string[] } | null>(null);
  const [saving, setSaving] = useState(false);
  const seq = useRef(0);
  // The selected order's double checks (who and when; their numbers are never listed back).
  const [checks, setChecks] = useState<OrderCheck[]>([]);
  const [checksTick, setChecksTick] = useState(0);
  useEffect(() => {
    if (!s.doseRecord) { setChecks([]); return; }
    let live = true;
    get<{ checks: OrderCheck[] }>(`/orders/${s.doseRecord}/checks`).then((r) => {
      if (!live) return;
      const mine = currentUser()?.name;
      const usable = r.checks.filter((c) => c.kind === "double_check" && c.session === null && c.recorded_by !== mine);
      setChecks(usable);
      setS((old) => (usable.some((c) => String(c.id) === old.doubleCheck) ? old : { ...old, doubleCheck: usable.length ? String(usable[usable.length - 1].id) : "" }));
    }).catch(() => live && setChecks([]));
    return () => { live = false; };
  }, [s.doseRecord, checksTick]);
  const setChecklist = (patch: Partial<ChecklistForm>) => setS((old) => ({ ...old, checklist: { ...old.checklist, ...patch } }));

  // Pre-fill from the next planned session of the active course and the latest unused dose order.
  useEffect(() => {
    if (!info.data || prefilled) return;
    const course = info.data.courses[0];
    const next = course?.sessions.find((x) => x.status === "planned");
    const dose = info.data.doses[info.data.doses.length - 1];
    setS((old) => ({
      ...old,
      course: course ? String(course.id) : "",
      courseSession: next ? String(next.number) : "",
      route: dose?.route ?? next?.route ?? old.route,
      doseEndedAt: (dose?.route ?? next?.route ?? old.route) === "iv" ? old.doseEndedAt : "",
      dosePerKg: String(dose?.dose_mg_per_kg ?? next?.dose_mg_per_kg ?? ""),
      doseRecord: dose?.id ? String(dose.id) : "",
      stockLot: info.data!.lots[0] ? String(info.data!.lots[0].id) : "",
    }));
    setPrefilled(true);
  }, [info.data, prefilled]);

  const interpret = (err: unknown, sent: SessionBody): Refusal => {
    const msg = messageOf(err);
    if (!(err instanceof ApiError)) return { key: "", message: msg };
    const path = refusalField(err.field, msg, topKeys);
    return { key: path ? formKeyOf(path, sent) : "", message: msg };
  };

  // The server's check of the draft (debounced; stores nothing).
  useEffect(() => {
    if (!prefilled || saved) return;
    const n = ++seq.current;
    const t = setTimeout(async () => {
      const sent = sessionBody(s);
      try {
        const r = await post<{ alerts: Alert[]; warnings: string[] }>("/sessions/preview", sent.body);
        if (n !== seq.current) return;
        setPreview(r);
        setRefusal(null);
      } catch (err) {
        if (n !== seq.current) return;
        setPreview(null);
        setRefusal(interpret(err, sent));
      }
    }, 400);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [s, prefilled, saved]);

  const save = async (e: Event) => {
    e.preventDefault();
    setSaving(true);
    const sent = sessionBody(s);
    try {
      setSaved(await post<{ session: Session; alerts: Alert[]; warnings: string[] }>("/sessions", sent.body));
      setRefusal(null);
    } catch (err) {
      setRefusal(interpret(err, sent));
    } finally {
      setSaving(false);
    }
  };
  const refusalFor = (key: string) => (refusal && refusal.key === key ? refusal.message : undefined);
  const up = (patch: Partial<SessionFormState>) => setS((old) => ({ ...old, ...patch }));
  const setVital = (i: number, patch: Partial<VitalRow>) => setS((old) => ({ ...old, vitals: old.vitals.map((v, j) => (j === i ? { ...v, ...patch } : v)) }));
  const setAe = (i: number, patch: Partial<AeRow>) => setS((old) => ({ ...old, aes: old.aes.map((v, j) => (j === i ? { ...v, ...patch } : v)) }));
  const setItem = (r: number, i: number, value: string) =>
    setS((old) => ({ ...old, ratings: old.ratings.map((b, j) => (j === r ? { ...b, items: b.items.map((x, k) => (k === i ? value : x)) } : b)) }));
  const setRating = (r: number, patch: Partial<SessionFormState["ratings"][number]>) =>
    setS((old) => ({ ...old, ratings: old.ratings.map((b, j) => (j === r ? { ...b, ...patch } : b)) }));
  const [addScale, setAddScale] = useState("ham-a");
  const shownRefusal = refusal && refusal.key === "" ? refusal.message : "";
  const unplacedRefusal = refusal && refusal.key !== "" && !document.getElementById(`err-${refusal.key.replace(/\./g, "-")}`) ? refusal.message : "";

  if (saved) {
    return (
      <main id="main">
        <h1>Session saved</h1>
        <p role="status" class="saved">Session {saved.session.id} for {info.data?.patient.name} recorded: {saved.session.dose_mg} mg {saved.session.route.toUpperCase()}.</p>
        <Section title="Alerts raised"><AlertList alerts={saved.alerts} title="Alerts raised" /></Section>
        {saved.warnings.length > 0 && <Section title="Warnings"><ul>{saved.warnings.map((w, i) => <li key={i}>{w}</li>)}</ul></Section>}
        <p><a href={`#/patients/${patient}`}>Open the chart</a> to acknowledge alerts.</p>
      </main>
    );
  }
  return (
    <main id="main" class="session-page">
      <h1>Session{info.data ? `: ${info.data.patient.name}` : ""}</h1>
      <p><a href={`#/patients/${patient}`}>Back to the chart</a></p>
      <ErrorLine text={info.error} />
      <form onSubmit={save} aria-label="Session documentation" novalidate>
        <Section title="Dose">
          <div class="grid4">
            {info.data && (
              <Select id="s-course" label="Planned session" value={s.course && s.courseSession ? `${s.course}:${s.courseSession}` : ""}
                onChange={(v) => { const [c, n] = v.split(":"); up({ course: c ?? "", courseSession: n ?? "" }); }}
                refusal={refusalFor("course_session") ?? refusalFor("course")}
                options={[["", "Not part of a course"], ...info.data.courses.flatMap((c) => c.sessions.filter((x) => x.status === "planned")
                  .map((x) => [`${c.id}:${x.number}`, `Course ${c.id} #${x.number}, ${x.planned_on}, ${x.dose_mg_per_kg} mg/kg ${x.route.toUpperCase()}`] as [string, string]))]} />
            )}
            {info.data && (
              <Select id="s-dose-record" label="Dose order" value={s.doseRecord} onChange={(v) => up({ doseRecord: v })} refusal={refusalFor("dose_record")}
                options={[["", "None"], ...info.data.doses.map((d) => [String(d.id), `Order ${d.id}: ${d.dose_mg_per_kg} mg/kg = ${d.dose_mg} mg ${d.route.toUpperCase()}`] as [string, string])]} />
            )}
            {info.data && (
              <Select id="s-stock-lot" label="Stock lot" value={s.stockLot ?? ""} onChange={(v) => up({ stockLot: v })} refusal={refusalFor("stock_lot")}
                options={[["", "None"], ...info.data.lots.map((l) => [String(l.id), `Lot ${l.lot} (${l.concentration_mg_per_ml} mg/mL, ${l.balance_mg} mg left, expires ${l.expires_on})`] as [string, string])]} />
            )}
            <Select id="s-route" label="Route" value={s.route} onChange={(v) => up({ route: v, doseEndedAt: v === "iv" ? addMinutes(s.startedAt, 40) : "" })} refusal={refusalFor("route")}
              options={[["iv", "IV"], ["sc", "SC"], ["im", "IM"]]} />
            <Field id="s-dose" label="Dose given (mg/kg)" value={s.dosePerKg} onInput={(v) => up({ dosePerKg: v })} inputMode="decimal" refusal={refusalFor("dose_mg_per_kg")} />
            <Field id="s-dose-mg" label="Dose given (mg)" value={s.doseMg} onInput={(v) => up({ doseMg: v })} inputMode="decimal" hint="Empty: weight × mg/kg" refusal={refusalFor("dose_mg")} />
            <Field id="s-start" label="Dosing started" type="datetime-local" value={s.startedAt} onInput={(v) => up({ startedAt: v })} refusal={refusalFor("started_at")} />
            <Field id="s-dose-end" label="Dosing ended" type="datetime-local" value={s.doseEndedAt} onInput={(v) => up({ doseEndedAt: v })} refusal={refusalFor("dose_ended_at")}
              hint={s.route === "iv" ? "End of the infusion" : "Empty for an injection: dosing ends as it starts"} />
            <Field id="s-end" label="Observation ended" type="datetime-local" value={s.endedAt} onInput={(v) => up({ endedAt: v })} refusal={refusalFor("ended_at")} />
          </div>
          <p><button type="button" class="secondary" onClick={() => setS((old) => retime(old))}>Set every time from the dosing start</button></p>
        </Section>

        <Section title="Double check and pre-dose checklist">
          <div class="grid4">
            <Select id="s-double-check" label="Double check" value={s.doubleCheck} onChange={(v) => up({ doubleCheck: v })} refusal={refusalFor("double_check")}
              options={[["", s.doseRecord ? "None recorded yet" : "Pick the order first"], ...checks.map((c) => [String(c.id), `Check ${c.id} by ${c.recorded_by}, ${c.day}`] as [string, string])]} />
            <Field id="c-fasting" label="Fasting (hours since last food)" value={s.checklist.fastingHours} onInput={(v) => setChecklist({ fastingHours: v })} inputMode="decimal" />
            <Select id="c-escort" label="Escort home arranged" value={s.checklist.escort} onChange={(v) => setChecklist({ escort: v as ChecklistForm["escort"] })}
              options={[["", "Not answered"], ["yes", "Yes"], ["no", "No"]]} />
            <Select id="c-pregnancy" label="Pregnancy test today" value={s.checklist.pregnancyTest} onChange={(v) => setChecklist({ pregnancyTest: v as ChecklistForm["pregnancyTest"] })}
              options={[["", "Not done"], ["negative", "Negative"], ["positive", "Positive"]]} />
            <Select id="c-new-meds" label="New medications or illness since the last visit" value={s.checklist.newMedications} onChange={(v) => setChecklist({ newMedications: v as ChecklistForm["newMedications"] })}
              options={[["", "Not answered"], ["no", "None"], ["yes", "Yes, new"]]} />
            {s.checklist.newMedications === "yes" && (
              <Field id="c-new-meds-note" label="What is new" value={s.checklist.newMedicationsNote} onInput={(v) => setChecklist({ newMedicationsNote: v })} />
            )}
            <Select id="c-consent" label="Consent confirmed today" value={s.checklist.consent} onChange={(v) => setChecklist({ consent: v as ChecklistForm["consent"] })}
              options={[["", "Not answered"], ["yes", "Yes"], ["no", "No"]]} />
          </div>
          <p class="hint">
            The second user records the double check on the patient's “Double check” screen (weight and dose, without seeing this entry).{" "}
            <button type="button" class="secondary" onClick={() => setChecksTick((t) => t + 1)}>Look for new checks</button>{" "}
            The blood pressure item is the last pre-dose reading below; a prescriber may waive an item there.
          </p>
          {refusalFor("checklist") && <span class="refusal" role="alert" id="err-checklist">{refusalFor("checklist")}</span>}
        </Section>

        <Section title="Vital signs">
          <table class="vitals">
            <caption class="hint">At the planned time points; leave a row empty if it was not measured.</caption>
            <thead><tr><th scope="col">Time</th><th scope="col">Phase</th><th scope="col">Systolic (mmHg)</th><th scope="col">Diastolic (mmHg)</th><th scope="col">Heart rate (/min)</th><th scope="col">SpO₂ (%)</th></tr></thead>
            <tbody>
              {s.vitals.map((v, i) => {
                const cell = (key: "systolic" | "diastolic" | "hr" | "spo2", name: string) => {
                  const err = refusalFor(`vitals.${i}.${key}`);
                  return (
                    <td class={err ? "refused" : ""}>
                      <input id={`v-${i}-${key}`} aria-label={`${name} at ${v.at.slice(11)} (${v.phase})`} inputMode="numeric" value={v[key]}
                        aria-invalid={err ? true : undefined} aria-describedby={err ? `err-vitals-${i}-${key}` : undefined}
                        onInput={(e) => setVital(i, { [key]: (e.target as HTMLInputElement).value })} />
                      {err && <span class="refusal" role="alert" id={`err-vitals-${i}-${key}`}>{err}</span>}
                    </td>
                  );
                };
                const rowErr = refusalFor(`vitals.${i}.at`) ?? refusalFor(`vitals.${i}`);
                return (
                  <tr key={i}>
                    <td>
                      <input type="datetime-local" aria-label={`Time of vitals row ${i + 1}`} value={v.at} onInput={(e) => setVital(i, { at: (e.target as HTMLInputElement).value })} />
                      {rowErr && <span class="refusal" role="alert" id={`err-vitals-${i}`}>{rowErr}</span>}
                    </td>
                    <td>
                      <select aria-label={`Phase of vitals row ${i + 1}`} value={v.phase} onChange={(e) => setVital(i, { phase: (e.target as HTMLSelectElement).value as VitalRow["phase"] })}>
                        <option value="before">before</option><option value="during">during</option><option value="after">after</option>
                      </select>
                    </td>
                    {cell("systolic", "Systolic")}{cell("diastolic", "Diastolic")}{cell("hr", "Heart rate")}{cell("spo2", "SpO2")}
                  </tr>
                );
              })}
            </tbody>
          </table>
          <button type="button" class="secondary" onClick={() => up({ vitals: [...s.vitals, { at: s.vitals[s.vitals.length - 1]?.at ?? s.startedAt, phase: "after", systolic: "", diastolic: "", hr: "", spo2: "" }] })}>Add a row</button>
        </Section>

        <Section title="Ratings">
          {s.ratings.map((r, ri) => {
            const form = scaleOf(r.scale);
            const { total, answered } = itemTotal(r.items);
            const err = refusalFor(`ratings.${ri}.items`) ?? refusalFor(`ratings.${ri}`);
            return (
              <fieldset key={ri} class="scale">
                <legend>{form.name}</legend>
                <div class="grid4">
                  <Field id={`r-${ri}-at`} label="Rated at" type="datetime-local" value={r.at} onInput={(v) => setRating(ri, { at: v })} />
                  <Field id={`r-${ri}-rater`} label="Rater" value={r.rater} onInput={(v) => setRating(ri, { rater: v })} hint="“self” for a patient-rated scale" />
                </div>
                <div class="items">
                  {form.items.map((label, ii) => (
                    <div class="field" key={ii}>
                      <label for={`r-${ri}-i-${ii}`}>{ii + 1}. {label}</label>
                      <input id={`r-${ri}-i-${ii}`} inputMode="numeric" value={r.items[ii]} aria-describedby={`r-${ri}-range`}
                        onInput={(e) => setItem(ri, ii, (e.target as HTMLInputElement).value)} />
                    </div>
                  ))}
                </div>
                <p class="total" aria-live="polite" id={`r-${ri}-range`}>
                  Total {total} ({answered} of {form.items.length} items answered, each 0–{form.max})
                </p>
                {err && <span class="refusal" role="alert" id={`err-ratings-${ri}`}>{err}</span>}
                <button type="button" class="secondary" onClick={() => up({ ratings: s.ratings.filter((_, j) => j !== ri) })}>Remove {form.name}</button>
              </fieldset>
            );
          })}
          <div class="inline">
            <label for="add-scale">Add a scale</label>
            <select id="add-scale" value={addScale} onChange={(e) => setAddScale((e.target as HTMLSelectElement).value)}>
              {scales.map((x) => <option key={x.key} value={x.key}>{x.name}</option>)}
            </select>
            <button type="button" class="secondary" onClick={() => up({ ratings: [...s.ratings, emptyRating(addScale, s.endedAt, currentUser()?.name ?? "")] })}>Add</button>
          </div>
        </Section>

        <Section title="Adverse events">
          {s.aes.length === 0 && <p>None documented.</p>}
          {s.aes.map((a, i) => (
            <fieldset key={i} class="ae">
              <legend>Adverse event {i + 1}</legend>
              <div class="grid4">
                <Field id={`ae-${i}-at`} label="Onset" type="datetime-local" value={a.at} onInput={(v) => setAe(i, { at: v })} refusal={refusalFor(`aes.${i}.at`)} />
                <Field id={`ae-${i}-desc`} label="Description" value={a.description} onInput={(v) => setAe(i, { description: v })} refusal={refusalFor(`aes.${i}.description`) ?? refusalFor(`aes.${i}`)} />
                <Select id={`ae-${i}-sev`} label="Severity" value={a.severity} onChange={(v) => setAe(i, { severity: v })}
                  options={[["mild", "Mild"], ["moderate", "Moderate"], ["severe", "Severe"]]} />
                <Field id={`ae-${i}-action`} label="Action taken" value={a.action} onInput={(v) => setAe(i, { action: v })} />
                <Field id={`ae-${i}-outcome`} label="Outcome" value={a.outcome} onInput={(v) => setAe(i, { outcome: v })} />
              </div>
              <Check id={`ae-${i}-serious`} label="Serious" checked={a.serious} onChange={(v) => setAe(i, { serious: v })} />
              <Check id={`ae-${i}-resolved`} label="Resolved before discharge" checked={a.resolved} onChange={(v) => setAe(i, { resolved: v })} />
            </fieldset>
          ))}
          <button type="button" class="secondary" onClick={() => up({ aes: [...s.aes, { at: s.doseEndedAt || s.startedAt, description: "", severity: "mild", serious: false, action: "", resolved: true, outcome: "" }] })}>
            Add an adverse event
          </button>
        </Section>

        <Section title="Discharge">
          <Check id="d-document" label="Document the discharge now" checked={s.documentDischarge} onChange={(v) => up({ documentDischarge: v })} />
          {s.documentDischarge && (
            <>
              <div class="grid4">
                <Field id="d-at" label="Assessed at" type="datetime-local" value={s.discharge.at} onInput={(v) => up({ discharge: { ...s.discharge, at: v } })} refusal={refusalFor("discharge")} />
                <Field id="d-by" label="Assessed by" value={s.discharge.assessed_by} onInput={(v) => up({ discharge: { ...s.discharge, assessed_by: v } })} />
              </div>
              <Check id="d-oriented" label="Alert and oriented" checked={s.discharge.alert_and_oriented} onChange={(v) => up({ discharge: { ...s.discharge, alert_and_oriented: v } })} />
              <Check id="d-vitals" label="Vital signs near baseline" checked={s.discharge.vitals_near_baseline} onChange={(v) => up({ discharge: { ...s.discharge, vitals_near_baseline: v } })} />
              <Check id="d-ambulating" label="Walking steadily" checked={s.discharge.ambulating_steadily} onChange={(v) => up({ discharge: { ...s.discharge, ambulating_steadily: v } })} />
              <Check id="d-escort" label="Escort present (no driving today)" checked={s.discharge.escort_present} onChange={(v) => up({ discharge: { ...s.discharge, escort_present: v } })} />
              <Field id="d-notes" label="Discharge notes" value={s.discharge.notes} onInput={(v) => up({ discharge: { ...s.discharge, notes: v } })} />
            </>
          )}
        </Section>

        <Section title="Notes">
          <Field id="s-notes" label="Session notes" value={s.notes} onInput={(v) => up({ notes: v })} refusal={refusalFor("notes")} />
        </Section>

        <Section title="Server check (not yet saved)" id="session-check">
          <div aria-live="polite">
            {refusal ? <p class="error">Refused: {refusal.message}</p> : preview ? (
              <>
                <AlertList alerts={preview.alerts} title="Alerts" />
                {preview.warnings.length > 0 && <ul class="warnings">{preview.warnings.map((w, i) => <li key={i}>{w}</li>)}</ul>}
              </>
            ) : <p>Checking…</p>}
          </div>
        </Section>
        <div class="actions sticky-save">
          <ErrorLine text={shownRefusal || unplacedRefusal} />
          <button type="submit" disabled={saving}>Save session</button>
        </div>
      </form>
    </main>
  );
}
