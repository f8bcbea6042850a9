// Plan a course (prescribers): the protocol and start; the server lays out the sessions on the
// clinic's calendar and checks the dose against the library.
import { useState } from "preact/hooks";
import { get, post } from "../api";
import { todayIso } from "../format";
import type { Course, Patient } from "../types";
import { ErrorLine, Field, Select, messageOf, useLoad } from "../ui";

export function CoursePlan({ patient }: { patient: number }) {
  const info = useLoad(() => get<Patient>(`/patients/${patient}`), `course-${patient}`);
  const [protocol, setProtocol] = useState("iv_loading");
  const [start, setStart] = useState(todayIso());
  const [dose, setDose] = useState("");
  const [perWeek, setPerWeek] = useState("");
  const [notes, setNotes] = useState("");
  const [error, setError] = useState("");
  const [course, setCourse] = useState<Course | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError("");
    const body: Record<string, unknown> = { protocol, start };
    if (dose.trim()) body.dose_mg_per_kg = Number(dose);
    if (perWeek.trim()) body.loading_per_week = Number(perWeek);
    if (notes.trim()) body.notes = notes;
    try {
      setCourse(await post<Course>(`/patients/${patient}/courses`, body));
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <main id="main">
      <h1>Plan a course{info.data ? `: ${info.data.name}` : ""}</h1>
      <p><a href={`#/patients/${patient}`}>Back to the chart</a></p>
      <form class="grid" onSubmit={submit} aria-label="Course plan">
        <Select id="course-protocol" label="Protocol" value={protocol} onChange={setProtocol} options={[
          ["iv_loading", "IV loading series (6 infusions)"], ["ascending_sc", "Ascending SC (0.25, 0.5, 1 mg/kg weekly)"],
          ["maintenance_weekly", "Maintenance, weekly"], ["maintenance_twice_weekly", "Maintenance, twice weekly"],
          ["maintenance_taper", "Maintenance, taper"],
        ]} />
        <Field id="course-start" label="First session" type="date" value={start} onInput={setStart} required />
        <Field id="course-dose" label="Dose (mg/kg)" type="number" step="0.01" value={dose} onInput={setDose} hint="Empty: the protocol's dose" />
        {protocol === "iv_loading" && <Field id="course-perweek" label="Infusions per week" type="number" value={perWeek} onInput={setPerWeek} hint="Empty: the protocol's default" />}
        <Field id="course-notes" label="Notes" value={notes} onInput={setNotes} />
        <ErrorLine text={error} />
        <div class="actions"><button type="submit">Plan course</button></div>
      </form>
      {course && (
        <section class="card" aria-labelledby="planned-h">
          <h2 id="planned-h">Course {course.id} planned</h2>
          <ol class="timeline">{course.sessions.map((s) => <li key={s.number}>#{s.number} {s.planned_on} {s.route.toUpperCase()} {s.dose_mg_per_kg} mg/kg</li>)}</ol>
          {(course.messages ?? []).map((m, i) => <p key={i} class="hint">{m}</p>)}
          <p><a href={`#/patients/${patient}`}>Open the chart</a></p>
        </section>
      )}
    </main>
  );
}
