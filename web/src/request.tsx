// The public consultation request page: plain language, no account, a phone-sized screen.
import { render } from "preact";
import { useState } from "preact/hooks";
import { errorOf } from "./api";
import { messageOf } from "./ui";
import { refusalField } from "./logic";

function RequestForm() {
  const [name, setName] = useState("");
  const [phone, setPhone] = useState("");
  const [email, setEmail] = useState("");
  const [times, setTimes] = useState("");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<{ field: string; message: string } | null>(null);
  const [reference, setReference] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await fetch("/api/v1/public/consultation-requests", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ name, phone, email, preferred_times: times, reason }),
      });
      if (!res.ok) {
        const err = await errorOf(res);
        setError({ field: refusalField(err.field, err.message, ["name", "phone", "email", "preferred_times", "reason"]), message: err.message });
        return;
      }
      const j = await res.json();
      setReference(String(j.reference ?? j.id ?? ""));
    } catch (err) {
      setError({ field: "", message: messageOf(err) });
    } finally {
      setBusy(false);
    }
  };
  if (reference) {
    return (
      <main id="main">
        <h1>Thank you</h1>
        <p role="status">
          We have your request. Your reference number is <strong class="reference">{reference}</strong>.
        </p>
        <p>Someone from the clinic will contact you to arrange a 15-minute consultation.</p>
      </main>
    );
  }
  const refusal = (f: string) => (error && error.field === f ? error.message : "");
  const field = (id: string, label: string, value: string, set: (v: string) => void, hint: string, multiline = false, kind = "text") => (
    <div class={`field${refusal(id) ? " refused" : ""}`}>
      <label for={id}>{label}</label>
      {hint && <span class="hint" id={`${id}-hint`}>{hint}</span>}
      {multiline ? (
        <textarea id={id} name={id} rows={4} maxLength={1000} value={value} required aria-describedby={`${id}-hint`}
          onInput={(e) => set((e.target as HTMLTextAreaElement).value)} />
      ) : (
        <input id={id} name={id} type={kind} value={value} required={id === "name" || id === "preferred_times"} maxLength={200}
          aria-describedby={hint ? `${id}-hint` : undefined} autoComplete={id === "name" ? "name" : kind === "tel" ? "tel" : kind === "email" ? "email" : "off"}
          onInput={(e) => set((e.target as HTMLInputElement).value)} />
      )}
      {refusal(id) && <span class="refusal" role="alert">{refusal(id)}</span>}
    </div>
  );
  return (
    <main id="main">
      <h1>Ask for a free 15-minute consultation</h1>
      <p>
        Tell us how to reach you and we will call or write back to arrange a short talk with a clinician.
        You do not need an account. Please do not include medical details here.
      </p>
      <p class="urgent">If you are in crisis or thinking about harming yourself, call your local emergency number now.</p>
      <form onSubmit={submit} aria-label="Consultation request">
        {field("name", "Your name", name, setName, "The name we should ask for.")}
        {field("phone", "Phone number", phone, setPhone, "A phone number or an e-mail address (or both); we use them only to contact you about this request.", false, "tel")}
        {field("email", "E-mail address", email, setEmail, "", false, "email")}
        {field("preferred_times", "When can we reach you?", times, setTimes, "For example: weekday mornings.")}
        {field("reason", "What would you like to talk about?", reason, setReason, "One or two sentences are enough.", true)}
        {error && !error.field && <p class="error" role="alert">{error.message}</p>}
        {error && error.field && !["name", "phone", "email", "preferred_times", "reason"].includes(error.field) && (
          <p class="error" role="alert">{error.message}</p>
        )}
        <button type="submit" disabled={busy}>Send request</button>
      </form>
    </main>
  );
}

render(<RequestForm />, document.getElementById("app")!);
