// Plan a course (prescribers): the protocol and start; the server lays out the sessions on the
// clinic's calendar and checks the dose against the library.
import { useState } from "preact/hooks";
import { ApiError, get, post } from "../api";
import { todayIso } from "../format";
import type { Course, Patient } from "../types";
import { rescheduleField } from "../logic";
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

/**
 * Change an active course (prescribers; the chart offers it to no one else and the server refuses
 * anyone else): move or skip one planned session, or complete or cancel the course. The server
 * checks the day (not in the past, a clinic day, the course order, no overlap with another
 * course); its refusal is shown beside the field it is about and the form keeps what was typed.
 */
export function ChangePlan({ course, onDone }: { course: Course; onDone: () => void }) {
  const planned = course.sessions.filter((s) => s.status === "planned");
  const [number, setNumber] = useState(String(planned[0]?.number ?? ""));
  const session = planned.find((s) => String(s.number) === number) ?? planned[0];
  const [to, setTo] = useState("");
  const [reason, setReason] = useState("");
  const [refusal, setRefusal] = useState<{ field: string; text: string } | null>(null);
  const [done, setDone] = useState<string[]>([]);
  const prefix = `plan-${course.id}`;
  type Action = "reschedule" | "skip" | "complete" | "cancel";
  const send = async (action: Action) => {
    setRefusal(null);
    setDone([]);
    const n = session?.number ?? Number(number);
    const path = action === "complete" || action === "cancel"
      ? `/courses/${course.id}/${action}`
      : `/courses/${course.id}/sessions/${n}/${action}`;
    try {
      const body = action === "reschedule" ? { to, reason } : { reason };
      const updated = await post<Course>(path, body);
      const moved = updated.sessions.find((s) => s.number === n);
      const what: Record<Action, string> = {
        reschedule: `Session ${n} moved to ${moved?.planned_on ?? to}.`,
        skip: `Session ${n} skipped.`,
        complete: `Course ${course.id} completed.`,
        cancel: `Course ${course.id} cancelled.`,
      };
      setDone([what[action], ...(updated.messages ?? [])]);
      setTo("");
      setReason("");
      onDone();
    } catch (err) {
      const field = err instanceof ApiError ? rescheduleField(err.field, err.message) : "";
      setRefusal({ field: action !== "reschedule" && field === "to" ? "" : field, text: messageOf(err) });
    }
  };
  const beside = (f: string) => (refusal && refusal.field === f ? refusal.text : undefined);
  return (
    <details class="change-plan">
      <summary>Change course {course.id}: reschedule or skip a session, complete or cancel</summary>
      <form class="grid" aria-label={`Change course ${course.id}`} onSubmit={(e) => {
        e.preventDefault();
        void send("reschedule");
      }}>
        {session && (
          <>
            <Select id={`${prefix}-session`} label="Session" value={String(session.number)} onChange={setNumber}
              options={planned.map((s) => [String(s.number), `#${s.number}, planned ${s.planned_on}`])} />
            <Field id={`${prefix}-to`} label="New day" type="date" value={to} onInput={setTo} refusal={beside("to")}
              hint="Not a clinic day: the server moves it to the next one" />
          </>
        )}
        <Field id={`${prefix}-reason`} label="Reason" value={reason} onInput={setReason} refusal={beside("reason")}
          hint="Required to reschedule, skip or cancel" />
        {refusal && refusal.field === "" && <ErrorLine text={refusal.text} />}
        <div class="actions">
          {session && <button type="submit">Reschedule</button>}
          {session && <button type="button" class="secondary" onClick={() => void send("skip")}>Skip this session</button>}
          <button type="button" class="secondary" onClick={() => void send("complete")}>Complete the course</button>
          <button type="button" class="secondary" onClick={() => void send("cancel")}>Cancel the course</button>
        </div>
        <div aria-live="polite">{done.map((m, i) => <p key={i} class={i === 0 ? undefined : "hint"}>{m}</p>)}</div>
      </form>
    </details>
  );
}
