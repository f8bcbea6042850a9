// The forecast panel of the chart (issue 13): the patient's own response model from
// GET /patients/{id}/forecast, shown with its basis beside the rule-based suggestion; a prescriber
// accepts the recommendation (the server recomputes it, checks it is what was shown and plans it
// through the course-plan gates) or rejects it with a reason. Nothing is computed here: the
// bands, the threshold, the dates and the decision rules are the server's.
import { useState } from "preact/hooks";
import { get, hasRole, post } from "../api";
import { shortTime } from "../format";
import { ErrorLine, Section, messageOf, useLoad } from "../ui";

export interface ForecastDay {
  day: string;
  median: number;
  interval50: [number, number];
  interval80: [number, number];
  interval95: [number, number];
  p_response: number;
  trough: boolean;
}

export interface ForecastDecision {
  id: number;
  decision: "accepted" | "rejected";
  decided_at: string;
  decided_by: string;
  reason: string;
  course: number | null;
  basis: { next_date?: string | null; interval_days?: number | null; p_loss?: number; risk?: number; model?: string } | null;
}

export interface Forecast {
  patient: number;
  model: string;
  scale: string;
  data: { ratings_used: number; doses_used: number; notes: string[]; first_rating?: string; last_rating?: string; observed: Array<{ at: string; total: number }> };
  sufficient: boolean;
  insufficient_reason?: string;
  basis: "model" | "rule";
  reason: string;
  rule_based: { recommendation: string; rule: string; proposed_dates: string[] };
  posterior?: {
    p_responder: number;
    parameters: Array<{ name: string; unit: string; estimate: number; lower80: number; upper80: number; population: number }>;
    effective_sample_size: number;
    map_starts_agreeing: number;
  };
  forecast?: { response_threshold: number; p_response_now: number; relapse_median: string | null; days: ForecastDay[] };
  recommendation?: {
    within_risk: boolean;
    risk: number;
    next_date: string | null;
    interval_days: number | null;
    infusions: number;
    p_loss: number;
    expected_weeks_in_response?: number;
    weeks_per_infusion?: number;
    weeks_gained_per_infusion?: number;
    schedules_tried?: number;
    schedules_within_risk?: number;
    proposed_dates: string[];
    dose: { route: string; mg_per_kg: number; duration_min: number | null } | null;
  };
  decisions: ForecastDecision[];
}

const num = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3));
const pct = (p: number) => `${Math.round(p * 100)}%`;

/** The forecast chart: observed ratings, median with 50/80/95% bands, threshold, proposed days. */
export function ForecastChart({ f }: { f: Forecast }) {
  const w = 560;
  const h = 200;
  const days = f.forecast?.days ?? [];
  const observed = f.data.observed;
  const proposed = f.recommendation?.proposed_dates ?? [];
  const times = [...observed.map((o) => Date.parse(o.at)), ...days.map((d) => Date.parse(d.day)), ...proposed.map((d) => Date.parse(d))];
  if (times.length === 0) return null;
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const threshold = f.forecast?.response_threshold ?? 0;
  const top = Math.ceil(Math.max(1, threshold, ...observed.map((o) => o.total), ...days.map((d) => d.interval95[1])) / 5) * 5;
  const x = (t: number) => (t1 === t0 ? w / 2 : 10 + ((t - t0) / (t1 - t0)) * (w - 20));
  const y = (v: number) => h - (v / top) * h;
  const band = (pick: (d: ForecastDay) => [number, number]) => {
    const upper = days.map((d) => `${x(Date.parse(d.day))},${y(pick(d)[1])}`);
    const lower = days.map((d) => `${x(Date.parse(d.day))},${y(pick(d)[0])}`).reverse();
    return [...upper, ...lower].join(" ");
  };
  const yTicks: number[] = [];
  for (let v = 0; v <= top; v += top <= 20 ? 5 : 10) yTicks.push(v);
  const title = `${f.scale.toUpperCase()} forecast: observed ratings and the predicted median with 50, 80 and 95% intervals`;
  return (
    <figure>
      <svg class="chart forecast" viewBox={`-40 -10 ${w + 150} ${h + 40}`} role="img" aria-label={title}>
        <title>{title}</title>
        {yTicks.map((v) => (
          <g key={v}>
            <line x1={0} x2={w} y1={y(v)} y2={y(v)} class="grid" />
            <text x={-6} y={y(v) + 4} text-anchor="end" class="tick">{v}</text>
          </g>
        ))}
        <text x={x(t0)} y={h + 18} text-anchor="start" class="tick">{new Date(t0).toISOString().slice(0, 10)}</text>
        <text x={x(t1)} y={h + 18} text-anchor="end" class="tick">{new Date(t1).toISOString().slice(0, 10)}</text>
        {days.length > 0 && <polygon class="band b95" points={band((d) => d.interval95)} />}
        {days.length > 0 && <polygon class="band b80" points={band((d) => d.interval80)} />}
        {days.length > 0 && <polygon class="band b50" points={band((d) => d.interval50)} />}
        {days.length > 0 && <polyline class="median" fill="none" points={days.map((d) => `${x(Date.parse(d.day))},${y(d.median)}`).join(" ")} />}
        {f.forecast && (
          <g>
            <line x1={0} x2={w} y1={y(threshold)} y2={y(threshold)} class="ref responder" />
            <text x={w + 4} y={y(threshold) + 4} class="tick responder">response ≤ {num(threshold)}</text>
          </g>
        )}
        {proposed.map((d) => (
          <g key={d}>
            <line x1={x(Date.parse(d))} x2={x(Date.parse(d))} y1={h} y2={h - 14} class="proposed" />
            <title>{`proposed infusion ${d}`}</title>
          </g>
        ))}
        {observed.map((o) => (
          <circle key={o.at} cx={x(Date.parse(o.at))} cy={y(o.total)} r={3.5} class="trough">
            <title>{`${shortTime(o.at)}: ${o.total}`}</title>
          </circle>
        ))}
      </svg>
      <figcaption>
        Dots: the {f.scale.toUpperCase()} ratings used. Line: the predicted median under the proposed schedule; shaded: its 50%, 80%
        and 95% prediction intervals (parameter and rating uncertainty). Dashed: the response threshold. Ticks at the bottom: the
        proposed infusion days.
      </figcaption>
    </figure>
  );
}

// A decision that needs a reason (reject; accept above the risk): the reason is required (the
// browser's check first, the server's after), cleared once stored.
function ReasonForm({ name, id, label, button, intro, send, onDone }: {
  name: string; id: string; label: string; button: string; intro?: string;
  send: (reason: string) => Promise<unknown>; onDone: () => void;
}) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  return (
    <form class="inline" aria-label={name} onSubmit={async (e) => {
      e.preventDefault();
      setBusy(true);
      try {
        await send(reason);
        setReason("");
        setError("");
        onDone();
      } catch (err) {
        setError(messageOf(err));
      } finally {
        setBusy(false);
      }
    }}>
      {intro && <p class="not-offered">{intro}</p>}
      <label for={id}>{label}</label>
      <input id={id} value={reason} required onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
      <button type="submit" disabled={busy}>{button}</button>
      <ErrorLine text={error} />
    </form>
  );
}

function RejectForm({ patient, risk, onDone }: { patient: number; risk: number; onDone: () => void }) {
  return (
    <ReasonForm name="Reject the recommendation" id="fc-reject" label="Reason for rejecting" button="Reject recommendation"
      send={(reason) => post(`/patients/${patient}/forecast/reject`, { reason, risk })} onDone={onDone} />
  );
}

// A plan above the risk: the rule stands unless a prescriber accepts this plan with a reason,
// which the decision records (the server refuses it without one).
function AboveRiskForm({ f, onDone }: { f: Forecast; onDone: () => void }) {
  const r = f.recommendation!;
  return (
    <ReasonForm name="Accept above the risk" id="fc-above" label="Reason for accepting above the risk"
      button="Accept above the risk: plan these sessions"
      intro={`The model's plan is above the risk (${pct(r.p_loss)} against ${pct(r.risk)}): the rule-based suggestion stands unless you accept this plan with a reason.`}
      send={(reason) => post(`/patients/${f.patient}/forecast/accept`, {
        next_date: r.next_date, interval_days: r.interval_days, ratings_used: f.data.ratings_used,
        doses_used: f.data.doses_used, risk: r.risk, above_risk_reason: reason,
      })} onDone={onDone} />
  );
}

function Recommendation({ f, onAccepted, onRejected }: { f: Forecast; onAccepted: () => void; onRejected: () => void }) {
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const prescriber = hasRole("prescriber");
  const r = f.recommendation;
  const acceptable = f.sufficient && r?.within_risk && r.next_date != null && r.interval_days != null;
  return (
    <>
      <div class="columns recommendation">
        <div class="card">
          <h3>Model</h3>
          {!f.sufficient ? <p>Too few data: {f.insufficient_reason}.</p> : r && r.next_date ? (
            <p>
              Next infusion <strong>{r.next_date}</strong>, then every <strong>{r.interval_days} days</strong> ({r.infusions} in 12 weeks
              {r.dose ? `, ${r.dose.route.toUpperCase()} ${r.dose.mg_per_kg} mg/kg${r.dose.duration_min ? ` over ${r.dose.duration_min} min` : ""}` : ""}).
              P(loss of response) {pct(r.p_loss)} against a risk of {pct(r.risk)}{r.within_risk ? "." : ": above the risk."}
            </p>
          ) : <p>No schedule proposed.</p>}
          {f.sufficient && r && r.next_date ? <RecommendationReasons r={r} /> : null}
          <p class="reason">{f.reason}</p>
        </div>
        <div class="card">
          <h3>Rule-based</h3>
          <p><strong>{f.rule_based.recommendation.replace(/_/g, " ")}</strong>. {f.rule_based.rule}</p>
          {f.rule_based.proposed_dates.length > 0 && <p>Proposed dates: {f.rule_based.proposed_dates.join(", ")}</p>}
        </div>
      </div>
      <p role="status" class={`follow ${f.basis}`}>
        Follow: {f.basis === "model" ? "the model's recommendation" : "the rule-based suggestion (the model's plan is not within the risk or the data are too few)"}.
      </p>
      {prescriber && (
        <div class="decide">
          {acceptable ? (
            <button type="button" disabled={busy} onClick={async () => {
              setBusy(true);
              try {
                await post(`/patients/${f.patient}/forecast/accept`, {
                  next_date: r!.next_date, interval_days: r!.interval_days, ratings_used: f.data.ratings_used,
                  doses_used: f.data.doses_used, risk: r!.risk,
                });
                setError("");
                onAccepted();
              } catch (err) {
                setError(messageOf(err));
              } finally {
                setBusy(false);
              }
            }}>Accept: plan these sessions</button>
          ) : f.sufficient && r && r.next_date != null && r.interval_days != null ? (
            <AboveRiskForm f={f} onDone={onAccepted} />
          ) : (
            <p class="not-offered">Accepting is not offered: the model's plan is not available, so the rule-based suggestion
              stands (plan it with Plan course).</p>
          )}
          <ErrorLine text={error} />
          <RejectForm patient={f.patient} risk={r?.risk ?? 0.2} onDone={onRejected} />
        </div>
      )}
    </>
  );
}

function Posterior({ f }: { f: Forecast }) {
  const p = f.posterior;
  if (!p || !f.forecast) return null;
  return (
    <>
      <p>
        P(responder class) <strong>{pct(p.p_responder)}</strong>; P(in response now) {pct(f.forecast.p_response_now)}; without a
        further dose the median relapse is {f.forecast.relapse_median ? <strong>{f.forecast.relapse_median}</strong> : "beyond the 12-week horizon"}.
      </p>
      <table>
        <caption>Individual parameters (posterior)</caption>
        <thead><tr><th scope="col">Parameter</th><th scope="col">Estimate</th><th scope="col">80% credible interval</th><th scope="col">Population</th></tr></thead>
        <tbody>{p.parameters.map((q) => (
          <tr key={q.name}><td>{q.name}</td><td>{num(q.estimate)} {q.unit}</td><td>{num(q.lower80)} to {num(q.upper80)}</td><td>{num(q.population)}</td></tr>
        ))}</tbody>
      </table>
    </>
  );
}

export function ForecastPanel({ patient, onCourse }: { patient: number; onCourse: () => void }) {
  const [risk, setRisk] = useState("0.2");
  const [asked, setAsked] = useState(0.2);
  const { data, error, loading, reload } = useLoad(
    () => get<Forecast>(`/patients/${patient}/forecast?risk=${encodeURIComponent(String(asked))}`), `forecast-${patient}-${asked}`);
  return (
    <Section title="Model-informed maintenance" id="forecast">
      <form class="inline" aria-label="Forecast risk" onSubmit={(e) => {
        e.preventDefault();
        setAsked(Number(risk));
      }}>
        <label for="fc-risk">Acceptable P(loss of response)</label>
        <input id="fc-risk" inputMode="decimal" value={risk} onInput={(e) => setRisk((e.target as HTMLInputElement).value)} />
        <button type="submit">Recompute</button>
      </form>
      {error && <ErrorLine text={error} />}
      {!data && loading && <p aria-live="polite">Estimating the patient's response model…</p>}
      {data && (
        <>
          <p class="basis">
            Model {data.model}; {data.scale.toUpperCase()}; data used: {data.data.ratings_used} rating(s), {data.data.doses_used} dose(s)
            {data.data.first_rating ? `, ${shortTime(data.data.first_rating)} to ${shortTime(data.data.last_rating!)}` : ""}.
          </p>
          {data.data.notes.length > 0 && <ul>{data.data.notes.map((n) => <li key={n}>{n}</li>)}</ul>}
          {data.sufficient && <ForecastChart f={data} />}
          <Posterior f={data} />
          <Recommendation f={data} onAccepted={() => { reload(); onCourse(); }} onRejected={reload} />
          {data.decisions.length > 0 && (
            <>
              <h3>Decisions</h3>
              <ul class="decisions">{data.decisions.map((d) => (
                <li key={d.id}>
                  {shortTime(d.decided_at)}: <strong>{d.decision}</strong> by {d.decided_by}
                  {d.course != null ? `, course ${d.course}` : ""}
                  {d.basis?.next_date ? ` (next ${d.basis.next_date}, every ${d.basis.interval_days} days, P(loss) ${pct(d.basis.p_loss ?? 0)})` : ""}
                  {d.reason ? `: ${d.reason}` : ""}
                </li>
              ))}</ul>
            </>
          )}
        </>
      )}
    </Section>
  );
}

// Why this schedule, as figures (predictions from the posterior, not certainties).
function RecommendationReasons({ r }: { r: NonNullable<Forecast["recommendation"]> }) {
  const n = (x: number | undefined, digits: number) => (x == null ? "-" : x.toFixed(digits));
  return (
    <dl class="reasons">
      <dt>Expected weeks in response</dt>
      <dd>{n(r.expected_weeks_in_response, 1)} (until one interval after the last proposed infusion)</dd>
      <dt>Weeks in response per infusion</dt>
      <dd>{n(r.weeks_per_infusion, 2)}</dd>
      <dt>Weeks gained per infusion</dt>
      <dd>{n(r.weeks_gained_per_infusion, 2)} (over no further infusion: what the model maximises)</dd>
      <dt>Schedules tried</dt>
      <dd>
        {r.schedules_tried ?? "-"}, of which {r.schedules_within_risk ?? "-"} within the risk
      </dd>
    </dl>
  );
}
