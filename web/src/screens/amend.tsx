// Amendments of signed records (docs/clinic.md "Amendments"): the list beside a record, with the
// original of each amended value, and the form that corrects one field with a reason. The server
// keeps the original; nothing here edits a record.
import { useState } from "preact/hooks";
import { post } from "../api";
import { shortTime } from "../format";
import type { AdverseEvent, Amendment, Assessment, Rating, Session, Vital } from "../types";
import { ErrorLine, messageOf } from "../ui";

export type AmendKind = "session" | "assessment" | "screening";

/** One amendable field: its name for the server and a label a clinician reads. */
export interface AmendField {
  field: string;
  label: string;
  current: string;
}

const text = (v: number | null | undefined) => (v == null ? "none" : String(v));

/** The amendable fields of a session (vitals, ratings, adverse events, notes). */
export function sessionFields(s: Session): AmendField[] {
  const out: AmendField[] = [];
  (s.vitals ?? []).forEach((v: Vital, i: number) => {
    const at = `vitals ${i + 1} (${v.phase}, ${shortTime(v.at)})`;
    out.push({ field: `vitals.${i + 1}.systolic`, label: `${at}: systolic mmHg`, current: text(v.systolic_mmhg) });
    out.push({ field: `vitals.${i + 1}.diastolic`, label: `${at}: diastolic mmHg`, current: text(v.diastolic_mmhg) });
    out.push({ field: `vitals.${i + 1}.heart_rate`, label: `${at}: heart rate bpm`, current: text(v.heart_rate_bpm) });
    out.push({ field: `vitals.${i + 1}.spo2`, label: `${at}: SpO2 %`, current: text(v.spo2_percent) });
  });
  s.ratings.forEach((r: Rating, i: number) => {
    out.push({ field: `ratings.${i + 1}.items`, label: `${r.scale.toUpperCase()} item answers`, current: r.items.join(",") });
  });
  s.adverse_events.forEach((e: AdverseEvent, i: number) => {
    out.push({ field: `adverse_events.${i + 1}.description`, label: `adverse event ${i + 1}: description`, current: e.description });
    out.push({ field: `adverse_events.${i + 1}.severity`, label: `adverse event ${i + 1}: severity (mild, moderate, severe)`, current: e.severity });
    out.push({ field: `adverse_events.${i + 1}.outcome`, label: `adverse event ${i + 1}: outcome`, current: e.outcome });
  });
  out.push({ field: "notes", label: "notes", current: s.notes ?? "" });
  return out;
}

export function assessmentFields(a: Assessment): AmendField[] {
  return [{ field: "items", label: `${a.rating.scale.toUpperCase()} item answers`, current: a.rating.items.join(",") }];
}

const CONTRAINDICATIONS = [
  "uncontrolled_hypertension", "aneurysm_or_avm", "intracranial_bleed_history", "psychosis", "pregnancy",
  "active_substance_use_disorder", "current_depression", "ischaemic_heart_or_cerebrovascular_disease",
  "raised_intracranial_pressure", "severe_hepatic_impairment", "interacting_medication",
];

export function screeningFields(): AmendField[] {
  return CONTRAINDICATIONS.map((c) => ({
    field: `contraindications.${c}`, label: `${c.replace(/_/g, " ")} (yes, no, unknown)`, current: "",
  }));
}

export function AmendmentList({ amendments }: { amendments?: Amendment[] }) {
  if (!amendments || amendments.length === 0) return null;
  return (
    <ul class="amendments" aria-label="Amendments">
      {amendments.map((a) => (
        <li key={a.id}>
          Amended {a.field}: <del>{a.original}</del> → <ins>{a.amended}</ins> by {a.amended_by} at {shortTime(a.amended_at)} ({a.reason})
        </li>
      ))}
    </ul>
  );
}

export function AmendForm({ kind, id, fields, onDone, what }: {
  kind: AmendKind; id: number; fields: AmendField[]; onDone: () => void; what?: string;
}) {
  const [field, setField] = useState(fields[0]?.field ?? "");
  const [value, setValue] = useState("");
  const [reason, setReason] = useState("");
  const [error, setError] = useState("");
  const [done, setDone] = useState("");
  const prefix = `amend-${kind}-${id}`;
  const current = fields.find((f) => f.field === field)?.current;
  return (
    <details>
      <summary>{what ?? `Amend this ${kind}`}</summary>
      <form class="inline" aria-label={`Amend ${kind} ${id}`} onSubmit={async (e) => {
        e.preventDefault();
        try {
          const r = await post<{ alerts: unknown[]; warnings: string[] }>(`/${kind}s/${id}/amendments`, {
            changes: [{ field, value }], reason,
          });
          setError("");
          setDone(`Amended${r.alerts.length ? `; ${r.alerts.length} alert(s) raised` : ""}${r.warnings.length ? `. ${r.warnings.join(" ")}` : ""}`);
          setValue("");
          setReason("");
          onDone();
        } catch (err) {
          setError(messageOf(err));
        }
      }}>
        <label for={`${prefix}-field`}>Field</label>
        <select id={`${prefix}-field`} value={field} onChange={(e) => setField((e.target as HTMLSelectElement).value)}>
          {fields.map((f) => <option key={f.field} value={f.field}>{f.label}</option>)}
        </select>
        {current !== undefined && current !== "" && <span class="hint">now {current}</span>}
        <label for={`${prefix}-value`}>Corrected value</label>
        <input id={`${prefix}-value`} value={value} required onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
        <label for={`${prefix}-reason`}>Reason for the amendment</label>
        <input id={`${prefix}-reason`} value={reason} required onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
        <button type="submit">Amend</button>
        <ErrorLine text={error} />
        {done && <p role="status">{done}</p>}
      </form>
    </details>
  );
}
