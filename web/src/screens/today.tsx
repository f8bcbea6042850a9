// Today: the day's planned sessions, open alerts by severity, new consultation requests.
import { useState } from "preact/hooks";
import { get, hasRole, post, ApiError } from "../api";
import { todayIso } from "../format";
import type { Alert, PatientSummary, PlannedSession } from "../types";
import { ErrorLine, Field, Section, Select, messageOf, useLoad } from "../ui";
import { alertOrder } from "../logic";

/** One row of the server's day schedule (GET /schedule): a planned session due that day. */
interface Due {
  patient: number;
  patient_name: string;
  course: number;
  protocol: string;
  of: number;
  session: PlannedSession;
}

async function loadToday(): Promise<{ due: Due[]; alerts: Alert[]; names: Map<number, string>; requests: ConsultRequest[] | null }> {
  const { patients } = await get<{ patients: PatientSummary[] }>("/patients");
  const names = new Map(patients.map((p) => [p.id, p.name]));
  const clinical = hasRole("admin", "prescriber", "nurse", "auditor");
  let due: Due[] = [];
  let alerts: Alert[] = [];
  if (clinical) {
    // The browser's own day: a clinic west of UTC is still on "today" after 19:00 UTC.
    due = (await get<{ sessions: Due[] }>(`/schedule?date=${todayIso()}`)).sessions;
    alerts = (await get<{ alerts: Alert[] }>("/alerts")).alerts.sort(alertOrder);
  }
  let requests: ConsultRequest[] | null = null;
  if (hasRole("front_desk", "admin", "prescriber", "nurse", "auditor")) {
    try {
      const r = await get<{ consultation_requests: ConsultRequest[] }>("/consultation-requests?status=new");
      requests = r.consultation_requests;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
  }
  return { due, alerts, names, requests };
}

interface ConsultRequest {
  id: number;
  reference?: string;
  name: string;
  reason?: string;
  preferred_times?: string;
  received_at?: string;
  status?: string;
}

/** The front desk's handling of one request: its status, or a patient record made from it. */
function RequestActions({ request, onDone }: { request: ConsultRequest; onDone: () => void }) {
  const [registering, setRegistering] = useState(false);
  const [birth, setBirth] = useState("");
  const [sex, setSex] = useState("f");
  const [error, setError] = useState("");
  const act = async (f: () => Promise<unknown>) => {
    try {
      await f();
      setError("");
      onDone();
    } catch (err) {
      setError(messageOf(err));
    }
  };
  if (!hasRole("front_desk", "nurse", "prescriber")) return null;
  return (
    <div class="actions">
      {(["contacted", "scheduled", "declined"] as const).map((status) => (
        <button key={status} type="button" class="secondary" onClick={() => act(() => post(`/consultation-requests/${request.id}/status`, { status }))}>
          Mark {request.reference ?? request.id} {status}
        </button>
      ))}
      {registering ? (
        <form class="inline" aria-label={`Register ${request.name}`} onSubmit={(e) => {
          e.preventDefault();
          act(() => post(`/consultation-requests/${request.id}/patient`, { name: request.name, birth_date: birth, sex }));
        }}>
          <Field id={`cr-${request.id}-birth`} label="Birth date" type="date" value={birth} onInput={setBirth} required />
          <Select id={`cr-${request.id}-sex`} label="Sex" value={sex} onChange={setSex} options={[["f", "Female"], ["m", "Male"], ["x", "Other / not stated"]]} />
          <button type="submit">Register as a patient</button>
        </form>
      ) : (
        <button type="button" class="secondary" onClick={() => setRegistering(true)}>Register {request.name} as a patient…</button>
      )}
      <ErrorLine text={error} />
    </div>
  );
}

export function Today() {
  const [tick, setTick] = useState(0);
  const { data, error, loading } = useLoad(loadToday, `today-${tick}`);
  return (
    <main id="main">
      <h1>Today, {todayIso()}</h1>
      <ErrorLine text={error} />
      {loading && <p aria-live="polite">Loading…</p>}
      {data && hasRole("admin", "prescriber", "nurse", "auditor") && (
        <>
          <Section title="Sessions due today">
            {data.due.length === 0 ? (
              <p>No infusion is planned for today.</p>
            ) : (
              <table>
                <thead>
                  <tr><th scope="col">Patient</th><th scope="col">Course</th><th scope="col">Infusion</th><th scope="col">Dose due</th><th scope="col"></th></tr>
                </thead>
                <tbody>
                  {data.due.map((d) => (
                    <tr key={`${d.course}-${d.session.number}`}>
                      <td><a href={`#/patients/${d.patient}`}>{d.patient_name}</a></td>
                      <td>{d.protocol.replace(/_/g, " ")} #{d.course}</td>
                      <td>{d.session.number} of {d.of}</td>
                      <td>{d.session.dose_mg_per_kg} mg/kg {d.session.route.toUpperCase()}</td>
                      <td><a href={`#/patients/${d.patient}/session`}>Document</a></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>
          <Section title="Open alerts">
            {data.alerts.length === 0 ? (
              <p>No open alerts.</p>
            ) : (
              <ul class="alerts">
                {data.alerts.map((a) => (
                  <li key={a.id} class={`alert level-${a.level}`}>
                    <span class="badge">{a.level}</span>{" "}
                    <a href={`#/patients/${a.patient}`}>{data.names.get(a.patient) ?? `patient ${a.patient}`}</a>: {a.message}
                  </li>
                ))}
              </ul>
            )}
          </Section>
        </>
      )}
      {data && data.requests && (
        <Section title="New consultation requests">
          {data.requests.length === 0 ? (
            <p>No new requests.</p>
          ) : (
            <ul>
              {data.requests.map((r) => (
                <li key={r.id}>
                  <strong>{r.reference ?? r.id}</strong>: {r.name}{r.preferred_times ? ` (${r.preferred_times})` : ""}{r.reason ? ` — ${r.reason}` : ""}
                  <RequestActions request={r} onDone={() => setTick((t) => t + 1)} />
                </li>
              ))}
            </ul>
          )}
        </Section>
      )}
      {data && hasRole("front_desk") && !hasRole("admin", "prescriber", "nurse") && (
        <p><a href="#/patients">Find or register a patient</a></p>
      )}
    </main>
  );
}
