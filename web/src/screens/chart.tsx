// The chart: everything recorded for one patient, read-only except acknowledging alerts.
import { useState } from "preact/hooks";
import { get, hasRole, post } from "../api";
import { ageOn, shortTime, todayIso } from "../format";
import { infusionTicks, plotScores, referenceLines } from "../logic";
import type {
  Alert, Assessment, CareTeamMember, Consent, Course, DoseRecord, Medications, Patient, ResponsePlan, ResponseSummary,
  ScreeningRecord, Session,
} from "../types";
import { ErrorLine, Section, messageOf, useLoad } from "../ui";
import { AmendForm, AmendmentList, assessmentFields, screeningFields, sessionFields } from "./amend";
import { ChangePlan } from "./course";
import { ForecastPanel } from "./forecast";

interface ChartData {
  patient: Patient;
  consents: Consent[];
  screenings: ScreeningRecord[];
  clearance: { cleared: boolean; reason?: string; basis?: { valid_until: string; eligibility: string } };
  courses: Course[];
  sessions: Session[];
  doses: DoseRecord[];
  alerts: Alert[];
  careTeam: CareTeamMember[];
  assessments: Assessment[];
  medications: Medications;
  response: ResponsePlan | null;
}

async function loadChart(id: number): Promise<ChartData> {
  const base = `/patients/${id}`;
  const [patient, consents, screenings, clearance, courses, sessions, doses, alerts, careTeam, assessments, medications, response] =
    await Promise.all([
      get<Patient>(base),
      get<{ consents: Consent[] }>(`${base}/consents`),
      get<{ screenings: ScreeningRecord[] }>(`${base}/screenings`),
      get<ChartData["clearance"]>(`${base}/clearance`),
      get<{ courses: Course[] }>(`${base}/courses`),
      get<{ sessions: Session[] }>(`${base}/sessions`),
      get<{ doses: DoseRecord[] }>(`${base}/doses`),
      get<{ alerts: Alert[] }>(`${base}/alerts`),
      get<{ care_team: CareTeamMember[] }>(`${base}/care-team`),
      get<{ assessments: Assessment[] }>(`${base}/assessments`),
      get<Medications>(`${base}/medications`),
      get<ResponsePlan>(`${base}/response`).catch(() => null),
    ]);
  return {
    patient, consents: consents.consents, screenings: screenings.screenings, clearance, courses: courses.courses,
    sessions: sessions.sessions, doses: doses.doses, alerts: alerts.alerts, careTeam: careTeam.care_team,
    assessments: assessments.assessments, medications, response,
  };
}

function Acknowledge({ alert, onDone }: { alert: Alert; onDone: () => void }) {
  const [note, setNote] = useState("");
  const [error, setError] = useState("");
  const id = `ack-${alert.id}`;
  return (
    <form class="inline" onSubmit={async (e) => {
      e.preventDefault();
      try {
        await post(`/alerts/${alert.id}/acknowledge`, { note });
        onDone();
      } catch (err) {
        setError(messageOf(err));
      }
    }}>
      <label for={id}>Acknowledgement note</label>
      <input id={id} value={note} required onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
      <button type="submit">Acknowledge</button>
      <ErrorLine text={error} />
    </form>
  );
}

function WeightForm({ patient, onDone }: { patient: number; onDone: () => void }) {
  const [kg, setKg] = useState("");
  const [on, setOn] = useState(todayIso());
  const [error, setError] = useState("");
  return (
    <form class="inline" aria-label="Record a weight" onSubmit={async (e) => {
      e.preventDefault();
      try {
        await post(`/patients/${patient}/weights`, { weight_kg: Number(kg), measured_on: on });
        setKg("");
        setError("");
        onDone();
      } catch (err) {
        setError(messageOf(err));
      }
    }}>
      <label for="w-kg">Weight (kg)</label>
      <input id="w-kg" inputMode="decimal" value={kg} required onInput={(e) => setKg((e.target as HTMLInputElement).value)} />
      <label for="w-on">Measured on</label>
      <input id="w-on" type="date" value={on} required onInput={(e) => setOn((e.target as HTMLInputElement).value)} />
      <button type="submit">Record weight</button>
      <ErrorLine text={error} />
    </form>
  );
}

function DiagnosisForm({ patient, onDone }: { patient: number; onDone: () => void }) {
  const [disorder, setDisorder] = useState("gad");
  const [icd, setIcd] = useState("F41.1");
  const [on, setOn] = useState(todayIso());
  const [error, setError] = useState("");
  return (
    <form class="inline" aria-label="Record a diagnosis" onSubmit={async (e) => {
      e.preventDefault();
      try {
        await post(`/patients/${patient}/diagnoses`, { disorder, icd10: icd, diagnosed_on: on, primary: true });
        setError("");
        onDone();
      } catch (err) {
        setError(messageOf(err));
      }
    }}>
      <label for="dx-disorder">Disorder</label>
      <select id="dx-disorder" value={disorder} onChange={(e) => setDisorder((e.target as HTMLSelectElement).value)}>
        <option value="gad">Generalised anxiety disorder</option><option value="sad">Social anxiety disorder</option>
        <option value="panic">Panic disorder</option><option value="specific_phobia">Specific phobia</option><option value="other">Other</option>
      </select>
      <label for="dx-icd">ICD-10</label>
      <input id="dx-icd" value={icd} required onInput={(e) => setIcd((e.target as HTMLInputElement).value)} />
      <label for="dx-on">Diagnosed on</label>
      <input id="dx-on" type="date" value={on} required onInput={(e) => setOn((e.target as HTMLInputElement).value)} />
      <button type="submit">Record diagnosis</button>
      <ErrorLine text={error} />
    </form>
  );
}

/** Start or stop a medication, or record that the list was gone through with the patient. */
function MedicationForm({ patient, onDone }: { patient: number; onDone: () => void }) {
  const [action, setAction] = useState("start");
  const [name, setName] = useState("");
  const [dose, setDose] = useState("");
  const [frequency, setFrequency] = useState("");
  const [note, setNote] = useState("");
  const [error, setError] = useState("");
  const [warnings, setWarnings] = useState<string[]>([]);
  return (
    <form class="inline" aria-label="Medication list" onSubmit={async (e) => {
      e.preventDefault();
      try {
        const r = await post<{ warnings: string[] }>(`/patients/${patient}/medications`, { action, name, dose, frequency, note });
        setName("");
        setDose("");
        setFrequency("");
        setNote("");
        setError("");
        setWarnings(r.warnings);
        onDone();
      } catch (err) {
        setError(messageOf(err));
      }
    }}>
      <label for="med-action">Medication entry</label>
      <select id="med-action" value={action} onChange={(e) => setAction((e.target as HTMLSelectElement).value)}>
        <option value="start">Start</option><option value="stop">Stop</option><option value="reconcile">Reconciled with the patient</option>
      </select>
      {action !== "reconcile" && <>
        <label for="med-name">Medication (generic name)</label>
        <input id="med-name" value={name} required onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      </>}
      {action === "start" && <>
        <label for="med-dose">Dose</label>
        <input id="med-dose" value={dose} onInput={(e) => setDose((e.target as HTMLInputElement).value)} />
        <label for="med-frequency">Frequency</label>
        <input id="med-frequency" value={frequency} onInput={(e) => setFrequency((e.target as HTMLInputElement).value)} />
      </>}
      {action === "reconcile" && <>
        <label for="med-note">What was checked</label>
        <input id="med-note" value={note} required onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
      </>}
      <button type="submit">Record medication entry</button>
      <ErrorLine text={error} />
      {warnings.length > 0 && <div role="status"><ul>{warnings.map((w, i) => <li key={i}>{w}</li>)}</ul></div>}
    </form>
  );
}

function CareTeamForm({ patient, onDone }: { patient: number; onDone: () => void }) {
  const [role, setRole] = useState("pcp");
  const [name, setName] = useState("");
  const [practice, setPractice] = useState("");
  const [contact, setContact] = useState("");
  const [error, setError] = useState("");
  return (
    <form class="inline" aria-label="Add to the care team" onSubmit={async (e) => {
      e.preventDefault();
      try {
        await post(`/patients/${patient}/care-team`, { role, name, practice, contact });
        setName("");
        setPractice("");
        setContact("");
        setError("");
        onDone();
      } catch (err) {
        setError(messageOf(err));
      }
    }}>
      <label for="ct-role">Care team role</label>
      <select id="ct-role" value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value)}>
        <option value="pcp">PCP</option><option value="psychiatrist">Psychiatrist</option>
      </select>
      <label for="ct-name">Clinician name</label>
      <input id="ct-name" value={name} required onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      <label for="ct-practice">Practice</label>
      <input id="ct-practice" value={practice} onInput={(e) => setPractice((e.target as HTMLInputElement).value)} />
      <label for="ct-contact">Contact</label>
      <input id="ct-contact" value={contact} onInput={(e) => setContact((e.target as HTMLInputElement).value)} />
      <button type="submit">Add to the care team</button>
      <ErrorLine text={error} />
    </form>
  );
}

export function ResponseChart({ summary }: { summary: ResponseSummary }) {
  const w = 560;
  const h = 200;
  if (summary.trajectory.length + summary.acute.length === 0) return <p>No {summary.scale.toUpperCase()} ratings after the baseline yet.</p>;
  const lines = referenceLines(summary);
  const baseline = summary.baseline != null && summary.baseline_at ? [{ at: summary.baseline_at, total: summary.baseline, infusion: 0 }] : [];
  const plot = plotScores([...baseline, ...summary.trajectory], summary.acute, w, h, lines.map((l) => l.value));
  const trough = plot.points.filter((p) => p.kind === "trough");
  const title = `${summary.scale.toUpperCase()} totals over time`;
  return (
    <figure>
      <svg class="chart" viewBox={`-40 -10 ${w + 150} ${h + 54}`} role="img" aria-label={title}>
        <title>{title}</title>
        {plot.yTicks.map((t) => (
          <g key={t.value}>
            <line x1={0} x2={w} y1={t.y} y2={t.y} class="grid" />
            <text x={-6} y={t.y + 4} text-anchor="end" class="tick">{t.value}</text>
          </g>
        ))}
        {plot.xTicks.map((t) => <text key={t.label} x={t.x} y={h + 18} text-anchor="middle" class="tick">{t.label}</text>)}
        {infusionTicks(plot.points).map((t) => <text key={`inf-${t.label}`} x={t.x} y={h + 36} text-anchor="middle" class="tick infusion">{t.label}</text>)}
        {lines.map((l) => (
          <g key={l.cls}>
            <line x1={0} x2={w} y1={plot.line(l.value)} y2={plot.line(l.value)} class={`ref ${l.cls}`} />
            <text x={w + 4} y={plot.line(l.value) + 4} class={`tick ${l.cls}`}>{l.label}</text>
          </g>
        ))}
        <polyline class="trough" fill="none" points={trough.map((p) => `${p.x},${p.y}`).join(" ")} />
        {plot.points.map((p) => (
          <circle key={`${p.kind}-${p.at}`} cx={p.x} cy={p.y} r={4} class={p.kind}>
            <title>{`${p.kind} ${shortTime(p.at)}, ${p.infusion === 0 ? "baseline" : `after infusion ${p.infusion}`}: ${p.total}`}</title>
          </circle>
        ))}
      </svg>
      <figcaption>
        By date; under it, the infusions given before each trough rating (BL: baseline). Filled: trough ratings (response is judged on
        these); open: acute ratings (&lt; 24 h after a dose).
        {summary.responder_total != null && ` Response: a trough total at or below ${summary.responder_total}.`}
        {summary.remission_total != null && ` Remission: a response at or below ${summary.remission_total}.`}
        {" "}Latest: {summary.latest.replace(/_/g, " ")}. {summary.suggestion}
      </figcaption>
    </figure>
  );
}

export function Chart({ patient }: { patient: number }) {
  const { data, error, reload } = useLoad(() => loadChart(patient), `chart-${patient}`);
  if (error) return <main id="main"><h1>Patient {patient}</h1><ErrorLine text={error} /></main>;
  if (!data) return <main id="main"><p aria-live="polite">Loading…</p></main>;
  const p = data.patient;
  const carer = hasRole("nurse", "prescriber");
  const prescriber = hasRole("prescriber");
  return (
    <main id="main" class="chart-page">
      <h1>{p.name}</h1>
      <p class="subtitle">
        Born {p.birth_date} ({ageOn(p.birth_date, todayIso())} y), sex {p.sex.toUpperCase()}, patient {p.id}
      </p>
      <nav aria-label="Patient actions" class="actions">
        {carer && <a class="button" href={`#/patients/${p.id}/screening`}>Screen</a>}
        {prescriber && <a class="button" href={`#/patients/${p.id}/course`}>Plan course</a>}
        {prescriber && <a class="button" href={`#/patients/${p.id}/dose`}>Dose calculator</a>}
        {carer && <a class="button" href={`#/patients/${p.id}/session`}>Document session</a>}
        {carer && <a class="button" href={`#/patients/${p.id}/check`}>Double check</a>}
        {carer && <a class="button" href={`#/patients/${p.id}/followup`}>Follow-up rating</a>}
        <a class="button" href={`#/patients/${p.id}/report`}>Letter</a>
      </nav>
      <p class={`clearance ${data.clearance.cleared ? "ok" : "not-ok"}`} role="status">
        {data.clearance.cleared
          ? `Cleared for treatment (screening ${data.clearance.basis?.eligibility?.replace(/_/g, " ")}, valid until ${data.clearance.basis?.valid_until}).`
          : `Not cleared for treatment: ${data.clearance.reason}`}
      </p>
      <div class="columns">
        <Section title="Weights">
          {p.weights.length === 0 ? <p>None recorded.</p> : (
            <table><thead><tr><th scope="col">Date</th><th scope="col">kg</th></tr></thead>
              <tbody>{p.weights.map((w) => <tr key={w.measured_on + w.weight_kg}><td>{w.measured_on}</td><td>{w.weight_kg}{w.estimated ? " (estimated)" : ""}</td></tr>)}</tbody>
            </table>
          )}
          {carer && <WeightForm patient={p.id} onDone={reload} />}
        </Section>
        <Section title="Diagnoses">
          {p.diagnoses.length === 0 ? <p>None recorded.</p> : (
            <ul>{p.diagnoses.map((d) => <li key={d.icd10 + d.diagnosed_on}>{d.disorder.replace(/_/g, " ")} ({d.icd10}), {d.diagnosed_on}{d.primary ? ", primary" : ""}</li>)}</ul>
          )}
          {prescriber && <details><summary>Record a diagnosis</summary><DiagnosisForm patient={p.id} onDone={reload} /></details>}
        </Section>
        <Section title="Treatment history">
          {p.treatment_history.length === 0 ? <p>None recorded.</p> : (
            <ul>{p.treatment_history.map((t, i) => <li key={i}>{t.name} ({t.kind.replace(/_/g, " ")}): {t.daily_dose_mg ?? "–"} mg/day, {t.duration_weeks} weeks, {t.outcome.replace(/_/g, " ")}</li>)}</ul>
          )}
        </Section>
        <Section title="Care team">
          {data.careTeam.length === 0 ? <p>None recorded.</p> : (
            <ul>{data.careTeam.map((m) => <li key={m.id}>{m.role === "pcp" ? "PCP" : "Psychiatrist"}: {m.name}{m.practice ? `, ${m.practice}` : ""}{m.contact ? ` (${m.contact})` : ""}</li>)}</ul>
          )}
          {carer && <details><summary>Add a psychiatrist or PCP</summary><CareTeamForm patient={p.id} onDone={reload} /></details>}
        </Section>
        <Section title="Medications">
          {data.medications.medications.length === 0 ? <p>None recorded for {data.medications.on}.</p> : (
            <ul>{data.medications.medications.map((m) => <li key={m.name}>{m.name} {m.dose} {m.frequency} (since {m.started_on})</li>)}</ul>
          )}
          <p>{data.medications.last_reconciled ? `Last reconciled ${data.medications.last_reconciled}.` : "Never reconciled with the patient."}</p>
          {data.medications.warnings.length > 0 && (
            <ul class="warnings" aria-label="Medication warnings">{data.medications.warnings.map((w, i) => <li key={i}>{w}</li>)}</ul>
          )}
          {carer && <details><summary>Start, stop or reconcile</summary><MedicationForm patient={p.id} onDone={reload} /></details>}
        </Section>
        <Section title="Consent">
          {data.consents.length === 0 ? <p>No consent recorded.</p> : (
            <ul>{data.consents.map((c) => <li key={c.id}>{c.consented_on}, form {c.form_version}, witness {c.witness}</li>)}</ul>
          )}
        </Section>
      </div>
      <Section title="Screenings">
        {data.screenings.length === 0 ? <p>No screening yet.</p> : data.screenings.map((s) => (
          <div key={s.id} class={`screening ${s.result.eligibility}`}>
            <h3>{s.screened_on}: {s.result.eligibility.replace(/_/g, " ")} <span class="by">by {s.performed_by}</span>
              {s.amends != null && <span class="by">, amends screening {s.amends}</span>}
              {data.screenings.some((x) => x.amends === s.id) && <span class="by">, amended (superseded)</span>}</h3>
            <ul>{s.result.reasons.map((r, i) => <li key={i}>{r}</li>)}</ul>
            <AmendmentList amendments={s.amendments} />
            {carer && s.id != null && !data.screenings.some((x) => x.amends === s.id) &&
              <AmendForm kind="screening" id={s.id} fields={screeningFields()} onDone={reload} />}
          </div>
        ))}
      </Section>
      <Section title="Courses">
        {data.courses.length === 0 ? <p>No course planned.</p> : data.courses.map((c) => (
          <div key={c.id} class="course">
            <h3>Course {c.id}: {c.protocol.replace(/_/g, " ")}, from {c.start} ({c.status})</h3>
            <ol class="timeline">
              {c.sessions.map((s) => (
                <li key={s.number} class={`planned ${s.status}`}>
                  <span class="n">#{s.number}</span> {s.planned_on} {s.route.toUpperCase()} {s.dose_mg_per_kg} mg/kg
                  <span class="status"> {s.status}</span>
                </li>
              ))}
            </ol>
            {prescriber && c.status === "active" && <ChangePlan course={c} onDone={reload} />}
          </div>
        ))}
      </Section>
      <Section title="Doses">
        {data.doses.length === 0 ? <p>No dose calculated.</p> : (
          <table>
            <thead><tr><th scope="col">Calculated</th><th scope="col">Route</th><th scope="col">mg/kg</th><th scope="col">mg</th><th scope="col">mL</th><th scope="col">Limit</th><th scope="col">By</th></tr></thead>
            <tbody>{data.doses.map((d) => (
              <tr key={d.id}><td>{shortTime(d.calculated_at)}</td><td>{d.route.toUpperCase()}</td><td>{d.dose_mg_per_kg}</td><td>{d.dose_mg}</td><td>{d.volume_ml}</td><td>{d.limit === "none" ? "within limits" : d.limit}{d.override_reason ? `: ${d.override_reason}` : ""}</td><td>{d.calculated_by}</td></tr>
            ))}</tbody>
          </table>
        )}
      </Section>
      <Section title="Sessions and adverse events">
        {data.sessions.length === 0 ? <p>No session documented.</p> : (
          <ul class="sessions">{data.sessions.map((s) => (
            <li key={s.id}>
              <strong>{shortTime(s.started_at)}</strong>: {s.route.toUpperCase()} {s.dose_mg_per_kg} mg/kg = {s.dose_mg} mg
              {s.course ? `, course ${s.course} #${s.course_session}` : ""}; discharge {s.discharge ? (s.discharge.ready ? "ready" : `not ready (${s.discharge.not_ready_reasons.join("; ")})`) : "not documented"}
              {s.adverse_events.length > 0 && (
                <ul>{s.adverse_events.map((a, i) => <li key={i}>Adverse event: {a.description} ({a.severity}{a.serious ? ", serious" : ""}){a.resolved ? ", resolved" : ", unresolved"}</li>)}</ul>
              )}
              <AmendmentList amendments={s.amendments} />
              {carer && s.id != null && <AmendForm kind="session" id={s.id} fields={sessionFields(s)} onDone={reload} />}
            </li>
          ))}</ul>
        )}
      </Section>
      <Section title="Alerts">
        {data.alerts.length === 0 ? <p>No alerts.</p> : (
          <ul class="alerts">{data.alerts.map((a) => (
            <li key={a.id} class={`alert level-${a.level}`}>
              <span class="badge">{a.level}</span> {shortTime(a.at)}: {a.message}
              {a.acknowledged
                ? <p class="ack">Acknowledged by {a.acknowledged_by} at {shortTime(a.acknowledged_at)}: {a.acknowledgement_note}</p>
                : carer ? <Acknowledge alert={a} onDone={reload} /> : <p class="ack">Not acknowledged.</p>}
            </li>
          ))}</ul>
        )}
      </Section>
      <Section title="Follow-up ratings">
        {data.assessments.length === 0 ? <p>None recorded.</p> : (
          <table>
            <thead><tr><th scope="col">Rated</th><th scope="col">Scale</th><th scope="col">Total</th><th scope="col">Timing</th><th scope="col">By</th></tr></thead>
            <tbody>{data.assessments.map((a) => (
              <tr key={a.id}><td>{shortTime(a.rating.at)}</td><td>{a.rating.scale.toUpperCase()}</td><td>{a.rating.total}{a.amendments?.length ? " (amended)" : ""}</td><td>{a.timing}{a.hours_since_dose != null ? ` (${Math.round(a.hours_since_dose)} h after dose)` : ""}</td><td>{a.recorded_by}</td></tr>
            ))}</tbody>
          </table>
        )}
        {data.assessments.map((a) => (a.amendments?.length || carer) && (
          <div key={`amend-${a.id}`} class="assessment-amend">
            <AmendmentList amendments={a.amendments} />
            {carer && <AmendForm kind="assessment" id={a.id} fields={assessmentFields(a)} onDone={reload}
              what={`Amend the ${a.rating.scale.toUpperCase()} of ${shortTime(a.rating.at)}`} />}
          </div>
        ))}
      </Section>
      <Section title="Response">
        {!data.response ? <p>No response yet.</p> : (
          <>
            <p><strong>Recommendation:</strong> {data.response.recommendation.replace(/_/g, " ")}. {data.response.rule}</p>
            {data.response.proposed_dates.length > 0 && <p>Proposed dates: {data.response.proposed_dates.join(", ")} ({data.response.dates_basis})</p>}
            {data.response.scales.map((s) => <ResponseChart key={s.scale} summary={s} />)}
          </>
        )}
      </Section>
      <ForecastPanel patient={p.id} onCourse={reload} />
    </main>
  );
}
