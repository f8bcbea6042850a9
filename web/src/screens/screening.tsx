// Screening: consent, earlier treatment trials, the DSM-5 GAD criteria and the contraindications,
// with the server's result and reasons shown live (POST .../screenings/preview stores nothing).
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, get, hasRole, post } from "../api";
import { todayIso } from "../format";
import { refusalField } from "../logic";
import { answersBody, contraindicationQuestions, emptyAnswers, gadQuestions, type Answer, type ScreeningAnswers } from "../screening-items";
import type { Consent, Patient, ScreeningRecord } from "../types";
import { ErrorLine, Field, Section, Select, messageOf, useLoad } from "../ui";

function YesNo({ id, label, value, onChange }: { id: string; label: string; value: Answer; onChange: (a: Answer) => void }) {
  return (
    <fieldset class="yesno">
      <legend>{label}</legend>
      {(["yes", "no", ""] as Answer[]).map((a) => (
        <label key={a || "unknown"}>
          <input type="radio" name={id} value={a} checked={value === a} onChange={() => onChange(a)} />
          {a === "" ? "not asked" : a}
        </label>
      ))}
    </fieldset>
  );
}

function ConsentForm({ patient, onDone }: { patient: number; onDone: () => void }) {
  const [on, setOn] = useState(todayIso());
  const [version, setVersion] = useState("");
  const [witness, setWitness] = useState("");
  const [error, setError] = useState("");
  return (
    <form class="grid" aria-label="Record consent" onSubmit={async (e) => {
      e.preventDefault();
      try {
        await post(`/patients/${patient}/consents`, { consented_on: on, form_version: version, witness });
        onDone();
      } catch (err) {
        setError(messageOf(err));
      }
    }}>
      <Field id="consent-date" label="Consented on" type="date" value={on} onInput={setOn} required />
      <Field id="consent-version" label="Consent form version" value={version} onInput={setVersion} required />
      <Field id="consent-witness" label="Witness" value={witness} onInput={setWitness} required />
      <ErrorLine text={error} />
      <div class="actions"><button type="submit">Record consent</button></div>
    </form>
  );
}

function TrialForm({ patient, onDone }: { patient: number; onDone: () => void }) {
  const [kind, setKind] = useState("antidepressant");
  const [name, setName] = useState("");
  const [dose, setDose] = useState("");
  const [minDose, setMinDose] = useState("");
  const [weeks, setWeeks] = useState("");
  const [sessions, setSessions] = useState("");
  const [started, setStarted] = useState("");
  const [outcome, setOutcome] = useState("non_response");
  const [error, setError] = useState("");
  return (
    <form class="grid" aria-label="Add a treatment trial" onSubmit={async (e) => {
      e.preventDefault();
      const trial: Record<string, unknown> = { kind, name, duration_weeks: Number(weeks), outcome };
      if (dose) trial.daily_dose_mg = Number(dose);
      if (minDose) trial.min_therapeutic_daily_dose_mg = Number(minDose);
      if (started) trial.started_on = started;
      if (sessions) trial.psychotherapy_sessions = Number(sessions);
      try {
        await post(`/patients/${patient}/treatment-history`, [trial]);
        setName(""); setDose(""); setMinDose(""); setWeeks(""); setSessions(""); setStarted("");
        setError("");
        onDone();
      } catch (err) {
        setError(messageOf(err));
      }
    }}>
      <Select id="trial-kind" label="Kind" value={kind} onChange={setKind}
        options={[["antidepressant", "Antidepressant"], ["other_medication", "Other medication"], ["psychotherapy", "Psychotherapy"]]} />
      <Field id="trial-name" label="Name" value={name} onInput={setName} required />
      {kind !== "psychotherapy" && <Field id="trial-dose" label="Daily dose (mg)" type="number" value={dose} onInput={setDose} />}
      {kind !== "psychotherapy" && <Field id="trial-min" label="Minimum therapeutic daily dose (mg)" type="number" value={minDose} onInput={setMinDose} />}
      {kind === "psychotherapy" && <Field id="trial-sessions" label="Sessions attended" type="number" value={sessions} onInput={setSessions} />}
      <Field id="trial-weeks" label="Duration (weeks)" type="number" value={weeks} onInput={setWeeks} required />
      <Field id="trial-start" label="Started on" type="date" value={started} onInput={setStarted} />
      <Select id="trial-outcome" label="Outcome" value={outcome} onChange={setOutcome}
        options={[["non_response", "No response"], ["partial_response", "Partial response"], ["response", "Response"], ["remission", "Remission"], ["intolerance", "Intolerance"], ["ongoing", "Ongoing"]]} />
      <ErrorLine text={error} />
      <div class="actions"><button type="submit">Add trial</button></div>
    </form>
  );
}

function ResultPanel({ record, error }: { record: ScreeningRecord | null; error: string }) {
  return (
    <div class="result" aria-live="polite" aria-atomic="true">
      {error && <p class="error">{error}</p>}
      {record && (
        <>
          <p class={`eligibility ${record.result.eligibility}`}>
            Result: <strong>{record.result.eligibility.replace(/_/g, " ")}</strong> (GAD symptoms {record.result.gad_symptom_count}, failed adequate trials {record.result.failed_adequate_trials})
          </p>
          <ul class="reasons">{record.result.reasons.map((r, i) => <li key={i}>{r}</li>)}</ul>
        </>
      )}
    </div>
  );
}

export function ScreeningForm({ patient }: { patient: number }) {
  const [tick, setTick] = useState(0);
  const info = useLoad(async () => {
    const [p, c] = await Promise.all([get<Patient>(`/patients/${patient}`), get<{ consents: Consent[] }>(`/patients/${patient}/consents`)]);
    return { patient: p, consents: c.consents };
  }, `screening-${patient}-${tick}`);
  const [answers, setAnswers] = useState<ScreeningAnswers>(emptyAnswers());
  const [preview, setPreview] = useState<ScreeningRecord | null>(null);
  const [previewError, setPreviewError] = useState("");
  const [saved, setSaved] = useState<ScreeningRecord | null>(null);
  const [saveError, setSaveError] = useState<{ field: string; message: string } | null>(null);
  const [visitDay, setVisitDay] = useState(todayIso());
  const [clearReason, setClearReason] = useState("");
  const [cleared, setCleared] = useState("");
  const seq = useRef(0);

  // Ask the server for the result whenever an answer changes (debounced; it stores nothing).
  useEffect(() => {
    const n = ++seq.current;
    const t = setTimeout(async () => {
      try {
        const r = await post<ScreeningRecord>(`/patients/${patient}/screenings/preview?screened_on=${encodeURIComponent(visitDay)}`, answersBody(answers));
        if (n === seq.current) {
          setPreview(r);
          setPreviewError("");
        }
      } catch (err) {
        if (n === seq.current) setPreviewError(messageOf(err));
      }
    }, 250);
    return () => clearTimeout(t);
  }, [answers, patient, tick, visitDay]);

  const set = (group: "gad" | "contraindications", key: string, a: Answer) =>
    setAnswers((s) => ({ ...s, [group]: { ...s[group], [key]: a } }));
  const save = async (e: Event) => {
    e.preventDefault();
    setSaveError(null);
    try {
      setSaved(await post<ScreeningRecord>(`/patients/${patient}/screenings?screened_on=${encodeURIComponent(visitDay)}`, answersBody(answers)));
    } catch (err) {
      const msg = messageOf(err);
      setSaveError({ field: err instanceof ApiError ? refusalField(err.field, msg, ["worry_duration_months"]) : "", message: msg });
    }
  };
  const p = info.data?.patient;
  return (
    <main id="main">
      <h1>Screening{p ? `: ${p.name}` : ""}</h1>
      <p><a href={`#/patients/${patient}`}>Back to the chart</a></p>
      <ErrorLine text={info.error} />
      {info.data && (
        <>
          <Section title="Consent">
            {info.data.consents.length > 0
              ? <p>Consent recorded on {info.data.consents[info.data.consents.length - 1].consented_on} (form {info.data.consents[info.data.consents.length - 1].form_version}).</p>
              : <ConsentForm patient={patient} onDone={() => setTick((t) => t + 1)} />}
          </Section>
          <Section title="Earlier treatment trials">
            {info.data.patient.treatment_history.length === 0 ? <p>None recorded.</p> : (
              <ul>{info.data.patient.treatment_history.map((t, i) => <li key={i}>{t.name} ({t.kind.replace(/_/g, " ")}), {t.daily_dose_mg ?? "–"} mg/day for {t.duration_weeks} weeks: {t.outcome.replace(/_/g, " ")}</li>)}</ul>
            )}
            <details>
              <summary>Add a trial</summary>
              <TrialForm patient={patient} onDone={() => setTick((t) => t + 1)} />
            </details>
          </Section>
        </>
      )}
      <form onSubmit={save} aria-label="Screening answers">
        <Section title="DSM-5 generalised anxiety disorder">
          <Field id="visit-day" label="Visit day" type="date" value={visitDay} onInput={setVisitDay}
            refusal={saveError && /visit day|screened_on/.test(saveError.message) ? saveError.message : undefined} />
          <Field id="worry-months" label="Duration of the worry (months)" type="number" min="0" value={answers.worryMonths}
            onInput={(v) => setAnswers((s) => ({ ...s, worryMonths: v }))}
            refusal={saveError?.field.endsWith("worry_duration_months") ? saveError.message : undefined} />
          {gadQuestions.map(([k, text]) => <YesNo key={k} id={`gad-${k}`} label={text} value={answers.gad[k]} onChange={(a) => set("gad", k, a)} />)}
        </Section>
        <Section title="Contraindications">
          <p class="hint">Every contraindication must be answered: "not asked" is unknown and can never clear a patient.</p>
          {contraindicationQuestions.map(([k, text]) => (
            <YesNo key={k} id={`ci-${k}`} label={text} value={answers.contraindications[k]} onChange={(a) => set("contraindications", k, a)} />
          ))}
        </Section>
        <Section title="Result (computed by the server, not yet saved)" id="screening-result">
          <ResultPanel record={preview} error={previewError} />
        </Section>
        {saveError && !saveError.field.endsWith("worry_duration_months") && <ErrorLine text={saveError.message} />}
        <div class="actions sticky-save">
          <button type="submit">Save screening</button>
        </div>
      </form>
      {saved && (
        <Section title="Saved">
          <p role="status">Screening {saved.id} saved: {saved.result.eligibility.replace(/_/g, " ")}.</p>
          {saved.result.eligibility === "needs_review" && hasRole("prescriber") && !cleared && (
            <form class="inline" onSubmit={async (e) => {
              e.preventDefault();
              try {
                await post(`/screenings/${saved.id}/clearance`, { reason: clearReason });
                setCleared("Cleared for treatment.");
              } catch (err) {
                setCleared(messageOf(err));
              }
            }}>
              <label for="clear-reason">Reason for clearing this screening</label>
              <input id="clear-reason" value={clearReason} required onInput={(e) => setClearReason((e.target as HTMLInputElement).value)} />
              <button type="submit">Clear for treatment</button>
            </form>
          )}
          {cleared && <p role="status">{cleared}</p>}
          <p><a href={`#/patients/${patient}`}>Open the chart</a></p>
        </Section>
      )}
    </main>
  );
}
