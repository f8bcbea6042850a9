// The second user's independent double check of a prescriber's order (nurse or prescriber), and
// a prescriber's waiver of one pre-dose checklist item (docs/clinic.md "Order, double check and
// pre-dose checklist"). The checker enters the weight and the dose as found: the screen shows the
// order's route and mg/kg, never its calculated weight or mg, nor the administering nurse's entry
// (the server compares them when the session is recorded).
import { useState } from "preact/hooks";
import { get, hasRole, post } from "../api";
import { todayIso } from "../format";
import type { DoseRecord, OrderCheck as Check, Patient } from "../types";
import { ErrorLine, Field, Section, Select, messageOf, useLoad } from "../ui";
import { usableOrder } from "./session";

const items: Array<[string, string]> = [
  ["fasting", "Fasting"], ["escort", "Escort home"], ["pregnancy_test", "Pregnancy test"],
  ["blood_pressure", "Blood pressure"], ["new_medications", "New medications or illness"], ["consent", "Consent today"],
];

function orderText(d: DoseRecord): string {
  const o = d.order;
  const valid = !o ? "" : o.course !== null ? `course ${o.course}` : o.valid_until && o.valid_until !== o.valid_from ? `${o.valid_from} to ${o.valid_until}` : o.valid_from;
  return `Order ${d.id}: ${d.dose_mg_per_kg} mg/kg ${d.route.toUpperCase()}, ${valid}, by ${d.calculated_by}`;
}

export function OrderCheck({ patient }: { patient: number }) {
  const info = useLoad(async () => {
    const [p, d] = await Promise.all([get<Patient>(`/patients/${patient}`), get<{ doses: DoseRecord[] }>(`/patients/${patient}/doses`)]);
    return { patient: p, orders: d.doses.filter(usableOrder) };
  }, `check-${patient}`);
  const [order, setOrder] = useState("");
  const [day, setDay] = useState(todayIso());
  const [weight, setWeight] = useState("");
  const [dose, setDose] = useState("");
  const [item, setItem] = useState("blood_pressure");
  const [reason, setReason] = useState("");
  const [done, setDone] = useState("");
  const [error, setError] = useState("");
  const chosen = order || (info.data?.orders.length ? String(info.data.orders[info.data.orders.length - 1].id) : "");

  const record = async (e: Event) => {
    e.preventDefault();
    setError("");
    try {
      const c = await post<Check>(`/orders/${chosen}/checks`, { weight_kg: Number(weight), dose_mg: Number(dose), date: day });
      setDone(`Double check ${c.id} recorded for order ${c.order} on ${c.day} by ${c.recorded_by}. It is compared with the session when the nurse records it.`);
      setWeight("");
      setDose("");
    } catch (err) {
      setDone("");
      setError(messageOf(err));
    }
  };
  const waive = async (e: Event) => {
    e.preventDefault();
    setError("");
    try {
      const c = await post<Check>(`/orders/${chosen}/waivers`, { item, reason, date: day });
      setDone(`Waiver ${c.id}: ${c.item} waived for order ${c.order} on ${c.day} by ${c.recorded_by}.`);
      setReason("");
    } catch (err) {
      setDone("");
      setError(messageOf(err));
    }
  };

  return (
    <main id="main">
      <h1>Double check{info.data ? `: ${info.data.patient.name}` : ""}</h1>
      <p><a href={`#/patients/${patient}`}>Back to the chart</a></p>
      <ErrorLine text={info.error} />
      {info.data && info.data.orders.length === 0 && <p>No active order: a prescriber orders the dose first.</p>}
      {info.data && info.data.orders.length > 0 && (
        <>
          <div class="grid4">
            <Select id="k-order" label="Order" value={chosen} onChange={setOrder}
              options={info.data.orders.map((d) => [String(d.id), orderText(d)] as [string, string])} />
            <Field id="k-day" label="Treatment day" type="date" value={day} onInput={setDay} />
          </div>
          <Section title="Independent double check">
            <form onSubmit={record} aria-label="Independent double check" novalidate>
              <p class="hint">Read the weight and calculate the dose yourself; the administering nurse's entry is not shown.</p>
              <div class="grid4">
                <Field id="k-weight" label="Weight (kg)" value={weight} onInput={setWeight} inputMode="decimal" />
                <Field id="k-dose" label="Dose (mg)" value={dose} onInput={setDose} inputMode="decimal" />
              </div>
              <button type="submit">Record double check</button>
            </form>
          </Section>
          {hasRole("prescriber") && (
            <Section title="Waive a checklist item">
              <form onSubmit={waive} aria-label="Waive a checklist item" novalidate>
                <div class="grid4">
                  <Select id="k-item" label="Checklist item" value={item} onChange={setItem} options={items} />
                  <Field id="k-reason" label="Why the dose may go ahead" value={reason} onInput={setReason} />
                </div>
                <button type="submit">Waive item</button>
              </form>
            </Section>
          )}
        </>
      )}
      {done && <p role="status" class="saved">{done}</p>}
      <ErrorLine text={error} />
    </main>
  );
}
