// Patients: search by name or birth date; register a new patient (front desk, nurse, prescriber).
import { useState } from "preact/hooks";
import { get, hasRole, post, ApiError } from "../api";
import { matchesPatient } from "../format";
import type { PatientSummary } from "../types";
import { ErrorLine, Field, Section, Select, messageOf, useLoad } from "../ui";

function Register({ onDone }: { onDone: (id: number) => void }) {
  const [name, setName] = useState("");
  const [birth, setBirth] = useState("");
  const [sex, setSex] = useState("f");
  const [weight, setWeight] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [other, setOther] = useState("");
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setOther("");
    const body: Record<string, unknown> = { name, birth_date: birth, sex };
    if (weight.trim() !== "") body.weight_kg = Number(weight);
    try {
      const r = await post<{ id: number }>("/patients", body);
      onDone(r.id);
    } catch (err) {
      if (err instanceof ApiError && err.field) setError(err);
      else setOther(messageOf(err));
    }
  };
  const refusal = (f: string) => (error && error.field === f ? error.message : undefined);
  return (
    <form onSubmit={submit} aria-label="Register a patient" class="grid">
      <Field label="Full name" id="reg-name" value={name} onInput={setName} required refusal={refusal("name")} />
      <Field label="Birth date" id="reg-birth" type="date" value={birth} onInput={setBirth} required refusal={refusal("birth_date")} />
      <Select label="Sex" id="reg-sex" value={sex} onChange={setSex}
        options={[["f", "Female"], ["m", "Male"], ["x", "Other / not stated"]]} refusal={refusal("sex")} />
      {!hasRole("front_desk") || hasRole("nurse", "prescriber") ? (
        <Field label="Weight (kg)" id="reg-weight" type="number" step="0.1" value={weight} onInput={setWeight}
          refusal={refusal("weight_kg")} hint="Measured today; optional" inputMode="decimal" />
      ) : null}
      <ErrorLine text={other || (error && !refusal(error.field) ? error.message : "")} />
      <div class="actions"><button type="submit">Register patient</button></div>
    </form>
  );
}

export function Patients({ query }: { query: string }) {
  const [q, setQ] = useState(query);
  const [registered, setRegistered] = useState("");
  const { data, error } = useLoad(() => get<{ patients: PatientSummary[] }>("/patients"), `patients-${registered}`);
  const [registering, setRegistering] = useState(false);
  const canOpenChart = hasRole("admin", "prescriber", "nurse", "auditor");
  const found = (data?.patients ?? []).filter((p) => matchesPatient(p, q));
  return (
    <main id="main">
      <h1>Patients</h1>
      <form role="search" onSubmit={(e) => e.preventDefault()}>
        <Field label="Search by name or birth date (YYYY-MM-DD)" id="patient-search" type="search" value={q}
          onInput={(v) => {
            setQ(v);
            history.replaceState(null, "", v ? `#/patients?q=${encodeURIComponent(v)}` : "#/patients");
          }} />
      </form>
      <ErrorLine text={error} />
      <Section title={`Found ${found.length}`} id="found">
        <table>
          <thead><tr><th scope="col">Name</th><th scope="col">Birth date</th><th scope="col">Sex</th><th scope="col">ID</th></tr></thead>
          <tbody>
            {found.map((p) => (
              <tr key={p.id}>
                <td>{canOpenChart ? <a href={`#/patients/${p.id}`}>{p.name}</a> : p.name}</td>
                <td>{p.birth_date}</td>
                <td>{p.sex}</td>
                <td>{p.id}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      {hasRole("front_desk", "nurse", "prescriber") && (
        <Section title="Register a patient">
          {registering ? (
            <Register onDone={(id) => {
              setRegistering(false);
              if (canOpenChart) location.hash = `#/patients/${id}`;
              else setRegistered(`Registered patient ${id}.`);
            }} />
          ) : (
            <>
              {registered && <p role="status">{registered}</p>}
              <button type="button" onClick={() => setRegistering(true)}>New patient…</button>
            </>
          )}
        </Section>
      )}
    </main>
  );
}
