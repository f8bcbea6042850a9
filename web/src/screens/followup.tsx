// Follow-up ratings (24 h, 7 d, ...) entered by staff, and the response with its recommendation.
import { useState } from "preact/hooks";
import { currentUser, get, post } from "../api";
import { itemTotal } from "../logic";
import { scaleOf, scales } from "../scales";
import { defaultStart, toIso } from "../session-form";
import type { Alert, Assessment, Patient, ResponsePlan } from "../types";
import { ErrorLine, Field, Section, Select, messageOf, useLoad } from "../ui";
import { ResponseChart } from "./chart";

export function FollowUp({ patient }: { patient: number }) {
  const [tick, setTick] = useState(0);
  const info = useLoad(async () => {
    const [p, r] = await Promise.all([get<Patient>(`/patients/${patient}`), get<ResponsePlan>(`/patients/${patient}/response`).catch(() => null)]);
    return { patient: p, response: r };
  }, `followup-${patient}-${tick}`);
  const [scale, setScale] = useState("gad-7");
  const [items, setItems] = useState<string[]>(scaleOf("gad-7").items.map(() => ""));
  const [at, setAt] = useState(() => defaultStart(new Date(Date.now() + 170 * 60000)));
  const [rater, setRater] = useState("self");
  const [notes, setNotes] = useState("");
  const [error, setError] = useState("");
  const [saved, setSaved] = useState<{ assessment: Assessment; alerts: Alert[]; warnings: string[] } | null>(null);
  const form = scaleOf(scale);
  const { total, answered } = itemTotal(items);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError("");
    try {
      const body: Record<string, unknown> = {
        scale, items: items.map((x) => (x.trim() !== "" && Number.isFinite(Number(x)) ? Number(x) : x)), rater, rated_at: toIso(at),
      };
      if (notes.trim()) body.notes = notes;
      setSaved(await post(`/patients/${patient}/assessments`, body));
      setItems(form.items.map(() => ""));
      setTick((t) => t + 1);
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <main id="main">
      <h1>Follow-up rating{info.data ? `: ${info.data.patient.name}` : ""}</h1>
      <p><a href={`#/patients/${patient}`}>Back to the chart</a></p>
      <form onSubmit={submit} aria-label="Follow-up rating">
        <div class="grid4">
          <Select id="f-scale" label="Scale" value={scale} onChange={(v) => { setScale(v); setItems(scaleOf(v).items.map(() => "")); }}
            options={scales.map((x) => [x.key, x.name] as [string, string])} />
          <Field id="f-at" label="Rated at" type="datetime-local" value={at} onInput={setAt} />
          <Field id="f-rater" label="Rater" value={rater} onInput={setRater} hint={`“self” for a patient-rated scale, else e.g. ${currentUser()?.name ?? ""}`} />
          <Field id="f-notes" label="Notes" value={notes} onInput={setNotes} />
        </div>
        <fieldset class="scale">
          <legend>{form.name} items (each 0–{form.max})</legend>
          <div class="items">
            {form.items.map((label, i) => (
              <div class="field" key={`${scale}-${i}`}>
                <label for={`f-i-${i}`}>{i + 1}. {label}</label>
                <input id={`f-i-${i}`} inputMode="numeric" value={items[i]} onInput={(e) => setItems(items.map((x, j) => (j === i ? (e.target as HTMLInputElement).value : x)))} />
              </div>
            ))}
          </div>
          <p class="total" aria-live="polite">Total {total} ({answered} of {form.items.length} answered)</p>
        </fieldset>
        <ErrorLine text={error} />
        <div class="actions"><button type="submit">Save rating</button></div>
      </form>
      {saved && (
        <p role="status" class="saved">
          Rating saved: {saved.assessment.rating.scale.toUpperCase()} total {saved.assessment.rating.total}, {saved.assessment.timing}
          {saved.assessment.hours_since_dose != null ? ` (${Math.round(saved.assessment.hours_since_dose)} h after the last dose)` : ""}.
          {saved.alerts.map((a) => ` Alert: ${a.message}`).join("")}
        </p>
      )}
      {info.data?.response && (
        <Section title="Response and recommendation">
          <p><strong>{info.data.response.recommendation.replace(/_/g, " ")}</strong>: {info.data.response.rule}</p>
          {info.data.response.scales.map((x) => <ResponseChart key={x.scale} summary={x} />)}
        </Section>
      )}
    </main>
  );
}
