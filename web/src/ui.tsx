// Small shared pieces: loading a resource, an error line, a field with its server refusal.
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import { ApiError } from "./api";

export interface Loaded<T> {
  data: T | null;
  error: string;
  loading: boolean;
  reload: () => void;
}

/** Loads once per `key` (and on reload()); errors become text, never a thrown exception. */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState("");
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    load()
      .then((d) => {
        if (live) {
          setData(d);
          setError("");
        }
      })
      .catch((e: unknown) => live && setError(messageOf(e)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

export function messageOf(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

export function ErrorLine({ text }: { text: string }) {
  if (!text) return null;
  return (
    <p class="error" role="alert">
      {text}
    </p>
  );
}

export function Section({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  const hid = `h-${id ?? title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return (
    <section aria-labelledby={hid} class="card" id={id}>
      <h2 id={hid}>{title}</h2>
      {children}
    </section>
  );
}

/** A labelled input; `refusal` is the server's message for this field, shown beside it. */
export function Field(props: {
  label: string;
  id: string;
  value: string;
  onInput: (v: string) => void;
  type?: string;
  refusal?: string;
  required?: boolean;
  step?: string;
  min?: string;
  max?: string;
  hint?: string;
  autoComplete?: string;
  inputMode?: "numeric" | "decimal" | "text" | "tel" | "email";
}) {
  const describedBy = [props.hint ? `${props.id}-hint` : "", props.refusal ? `${props.id}-err` : ""]
    .filter(Boolean)
    .join(" ");
  return (
    <div class={`field${props.refusal ? " refused" : ""}`}>
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.id}
        type={props.type ?? "text"}
        value={props.value}
        required={props.required}
        step={props.step}
        min={props.min}
        max={props.max}
        inputMode={props.inputMode}
        autoComplete={props.autoComplete ?? "off"}
        aria-invalid={props.refusal ? true : undefined}
        aria-describedby={describedBy || undefined}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
      />
      {props.hint && (
        <span class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </span>
      )}
      {props.refusal && (
        <span class="refusal" id={`${props.id}-err`} role="alert">
          {props.refusal}
        </span>
      )}
    </div>
  );
}

export function Select(props: {
  label: string;
  id: string;
  value: string;
  options: Array<[string, string]>;
  onChange: (v: string) => void;
  refusal?: string;
}) {
  return (
    <div class={`field${props.refusal ? " refused" : ""}`}>
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        name={props.id}
        value={props.value}
        aria-invalid={props.refusal ? true : undefined}
        aria-describedby={props.refusal ? `${props.id}-err` : undefined}
        onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}
      >
        {props.options.map(([v, text]) => (
          <option value={v} key={v}>
            {text}
          </option>
        ))}
      </select>
      {props.refusal && (
        <span class="refusal" id={`${props.id}-err`} role="alert">
          {props.refusal}
        </span>
      )}
    </div>
  );
}

export function Check(props: { label: string; id: string; checked: boolean; onChange: (v: boolean) => void }) {
  return (
    <div class="check">
      <input
        type="checkbox"
        id={props.id}
        name={props.id}
        checked={props.checked}
        onChange={(e) => props.onChange((e.target as HTMLInputElement).checked)}
      />
      <label for={props.id}>{props.label}</label>
    </div>
  );
}
