// The dose calculator (prescribers): the server calculates and checks every change
// (POST .../doses/preview, nothing stored) and shows each arithmetic step; the library's soft and
// hard limits are on screen; above the soft limit a prescriber may override with a reason.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, get, hasRole, post } from "../api";
import { todayIso } from "../format";
import { refusalField } from "../logic";
import type { DoseRecord, Patient } from "../types";
import { ErrorLine, Field, Section, Select, messageOf, useLoad } from "../ui";

interface RouteLimits {
  route: string;
  concentrations_mg_per_ml: number[];
  default_mg_per_kg: number;
  min_mg_per_kg: number;
  soft_max_mg_per_kg: number;
  hard_max_mg_per_kg: number;
  absolute_cap_mg: number;
  default_duration_min: number;
}
interface Drug { name: string; limits: RouteLimits[]; advisory: string }

const doseKeys = ["dose_mg_per_kg", "duration_min", "concentration_mg_per_ml", "override_reason", "valid_until", "date", "route"];

export function DoseCalculator({ patient }: { patient: number }) {
  const info = useLoad(async () => {
    const [p, d] = await Promise.all([get<Patient>(`/patients/${patient}`), get<{ drugs: Drug[] }>("/drugs")]);
    return { patient: p, drug: d.drugs.find((x) => x.name === "ketamine") ?? d.drugs[0] };
  }, `dose-${patient}`);
  const [route, setRoute] = useState("iv");
  const [dose, setDose] = useState("0.5");
  const [duration, setDuration] = useState("40");
  const [conc, setConc] = useState("");
  const [date, setDate] = useState(todayIso());
  const [reason, setReason] = useState("");
  const [until, setUntil] = useState("");
  const [preview, setPreview] = useState<DoseRecord | null>(null);
  const [refusal, setRefusal] = useState<{ field: string; message: string } | null>(null);
  const [ordered, setOrdered] = useState<DoseRecord | null>(null);
  const [orderError, setOrderError] = useState("");
  const seq = useRef(0);
  const body = () => {
    const b: Record<string, unknown> = { route, dose_mg_per_kg: Number(dose), date };
    if (route === "iv" && duration.trim()) b.duration_min = Number(duration);
    if (conc.trim()) b.concentration_mg_per_ml = Number(conc);
    if (reason.trim()) b.override_reason = reason;
    if (until.trim()) b.valid_until = until;
    return b;
  };
  useEffect(() => {
    if (dose.trim() === "" || !Number.isFinite(Number(dose))) return;
    const n = ++seq.current;
    const t = setTimeout(async () => {
      try {
        const r = await post<DoseRecord>(`/patients/${patient}/doses/preview`, body());
        if (n !== seq.current) return;
        setPreview(r);
        setRefusal(null);
      } catch (err) {
        if (n !== seq.current) return;
        setPreview(null);
        const msg = messageOf(err);
        setRefusal({ field: err instanceof ApiError ? refusalField(err.field, msg, doseKeys) || "dose_mg_per_kg" : "", message: msg });
      }
    }, 250);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [route, dose, duration, conc, date, reason, until, patient]);

  const limits = info.data?.drug?.limits.find((l) => l.route === route);
  const softExceeded = limits !== undefined && Number(dose) > limits.soft_max_mg_per_kg && Number(dose) <= limits.hard_max_mg_per_kg;
  const order = async (e: Event) => {
    e.preventDefault();
    setOrderError("");
    try {
      setOrdered(await post<DoseRecord>(`/patients/${patient}/doses`, body()));
    } catch (err) {
      setOrderError(messageOf(err));
    }
  };
  const fieldRefusal = (k: string) => (refusal && refusal.field === k ? refusal.message : undefined);
  return (
    <main id="main">
      <h1>Dose calculator{info.data ? `: ${info.data.patient.name}` : ""}</h1>
      <p><a href={`#/patients/${patient}`}>Back to the chart</a></p>
      <ErrorLine text={info.error} />
      {limits && (
        <Section title={`Library limits, ketamine ${route.toUpperCase()}`}>
          <table class="limits">
            <tbody>
              <tr><th scope="row">Usual dose</th><td>{limits.default_mg_per_kg} mg/kg</td></tr>
              <tr><th scope="row">Minimum</th><td>{limits.min_mg_per_kg} mg/kg</td></tr>
              <tr><th scope="row">Soft limit (override with a reason)</th><td class="limit-soft">{limits.soft_max_mg_per_kg} mg/kg</td></tr>
              <tr><th scope="row">Hard limit (never)</th><td class="limit-hard">{limits.hard_max_mg_per_kg} mg/kg</td></tr>
              <tr><th scope="row">Absolute cap</th><td>{limits.absolute_cap_mg} mg</td></tr>
              <tr><th scope="row">Concentrations</th><td>{limits.concentrations_mg_per_ml.join(", ")} mg/mL</td></tr>
            </tbody>
          </table>
        </Section>
      )}
      <form onSubmit={order} aria-label="Dose order" class="grid">
        <Select id="dose-route" label="Route" value={route} onChange={setRoute} refusal={fieldRefusal("route")}
          options={[["iv", "IV infusion"], ["sc", "Subcutaneous"], ["im", "Intramuscular"]]} />
        <Field id="dose-mgkg" label="Dose (mg/kg)" type="number" step="0.01" min="0" value={dose} onInput={setDose}
          refusal={fieldRefusal("dose_mg_per_kg") ?? fieldRefusal("dose_mg")} inputMode="decimal" />
        {route === "iv" && <Field id="dose-duration" label="Infusion time (min)" type="number" value={duration} onInput={setDuration} refusal={fieldRefusal("duration_min")} />}
        <Field id="dose-conc" label="Concentration (mg/mL)" type="number" value={conc} onInput={setConc}
          hint="Empty: the library's concentration for this route" refusal={fieldRefusal("concentration_mg_per_ml")} />
        <Field id="dose-date" label="Dose date" type="date" value={date} onInput={setDate} refusal={fieldRefusal("date")} />
        <Field id="dose-until" label="Order valid until" type="date" value={until} onInput={setUntil} refusal={fieldRefusal("valid_until")}
          hint="Empty: the dose date only (at most 90 days)" />
        {hasRole("prescriber") && (softExceeded || reason !== "") && (
          <Field id="dose-override" label="Override reason (above the soft limit)" value={reason} onInput={setReason}
            refusal={fieldRefusal("override_reason")} hint="Recorded with the dose and in the audit log" />
        )}
        {refusal && !["dose_mg_per_kg", "dose_mg", "route", "duration_min", "concentration_mg_per_ml", "date", "valid_until", "override_reason"].includes(refusal.field) && (
          <ErrorLine text={refusal.message} />
        )}
        <div class="actions">
          {hasRole("prescriber")
            ? <button type="submit" disabled={!preview}>Order this dose</button>
            : <p class="hint">Only a prescriber may order a dose; this calculation is for checking.</p>}
        </div>
      </form>
      {preview && (
        <Section title="Calculation (by the server)" id="dose-calc">
          <ol class="arith" aria-label="Arithmetic">
            {preview.arithmetic.map((line, i) => <li key={i}>{line}</li>)}
          </ol>
          <p>
            Limit check: <span class={`limit-${preview.limit}`}>{preview.limit === "none" ? "within limits" : preview.limit === "soft" ? "above the soft limit (overridden)" : preview.limit}</span>
          </p>
          {preview.warnings.length > 0 && <ul class="warnings">{preview.warnings.map((w, i) => <li key={i}>{w}</li>)}</ul>}
        </Section>
      )}
      <ErrorLine text={orderError} />
      {ordered && (
        <p role="status" class="saved">Dose {ordered.id} ordered: {ordered.dose_mg} mg ({ordered.volume_ml} mL). <a href={`#/patients/${patient}/check`}>Double check</a> · <a href={`#/patients/${patient}/session`}>Document the session</a></p>
      )}
    </main>
  );
}
