// Administration (admins): users and roles, the drug library, the clinic's settings. Settings are
// edited as the server's JSON form, every key at once (a partial setting is refused); the
// server validates bounds and names the field it refuses.
import { useState } from "preact/hooks";
import { get, post, put, type Role } from "../api";
import { label } from "../format";
import { Check, ErrorLine, Field, Section, messageOf, useLoad } from "../ui";

interface User { name: string; roles: Role[]; enabled: boolean }
const allRoles: Role[] = ["admin", "prescriber", "nurse", "front_desk", "auditor"];

function Users() {
  const [tick, setTick] = useState(0);
  const { data, error } = useLoad(() => get<{ users: User[] }>("/users"), `users-${tick}`);
  const [name, setName] = useState("");
  const [roles, setRoles] = useState<Role[]>([]);
  const [message, setMessage] = useState("");
  const [token, setToken] = useState<{ user: string; token: string } | null>(null);
  const act = async (f: () => Promise<unknown>) => {
    setMessage("");
    try {
      await f();
      setTick((t) => t + 1);
    } catch (err) {
      setMessage(messageOf(err));
    }
  };
  return (
    <Section title="Users and roles">
      <ErrorLine text={error} />
      <table>
        <thead><tr><th scope="col">User</th><th scope="col">Roles</th><th scope="col">Status</th><th scope="col">Actions</th></tr></thead>
        <tbody>
          {(data?.users ?? []).map((u) => (
            <tr key={u.name}>
              <td>{u.name}</td><td>{u.roles.join(", ").replace(/_/g, " ")}</td><td>{u.enabled ? "enabled" : "disabled"}</td>
              <td class="actions">
                <button type="button" class="secondary" onClick={() => act(() => post(`/users/${u.name}/${u.enabled ? "disable" : "enable"}`))}>
                  {u.enabled ? "Disable" : "Enable"} {u.name}
                </button>
                <button type="button" class="secondary" onClick={() => act(async () => {
                  const r = await post<{ setup_token: string }>(`/users/${u.name}/setup-token`);
                  setToken({ user: u.name, token: r.setup_token });
                })}>Password setup token for {u.name}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {token && (
        <p role="status" class="saved">
          One-time setup token for {token.user} (valid 30 minutes, shown once; give it to them in person): <code>{token.token}</code>
        </p>
      )}
      <form class="grid" aria-label="Add a user" onSubmit={(e) => {
        e.preventDefault();
        act(async () => {
          await post("/users", { name, roles });
          setName("");
          setRoles([]);
        });
      }}>
        <Field id="u-name" label="New user name" value={name} onInput={setName} required />
        <fieldset class="roles">
          <legend>Roles</legend>
          {allRoles.map((r) => (
            <Check key={r} id={`u-role-${r}`} label={label(r)} checked={roles.includes(r)}
              onChange={(v) => setRoles(v ? [...roles, r] : roles.filter((x) => x !== r))} />
          ))}
        </fieldset>
        <ErrorLine text={message} />
        <div class="actions"><button type="submit">Add user</button></div>
      </form>
    </Section>
  );
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** One input per leaf of a JSON value (numbers, booleans, text, and arrays of numbers as a list). */
function JsonFields({ value, path, onChange }: { value: Json; path: string; onChange: (v: Json) => void }) {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    return (
      <>
        {Object.entries(value).map(([k, v]) => (
          <JsonFields key={k} value={v} path={path ? `${path}.${k}` : k} onChange={(nv) => onChange({ ...value, [k]: nv })} />
        ))}
      </>
    );
  }
  if (Array.isArray(value) && value.some((x) => x !== null && typeof x === "object")) {
    return (
      <>
        {value.map((item, i) => (
          <fieldset key={i} class="json-item">
            <legend>{path} {i + 1}</legend>
            <JsonFields value={item} path={`${path}[${i}]`} onChange={(nv) => onChange(value.map((x, j) => (j === i ? nv : x)))} />
          </fieldset>
        ))}
      </>
    );
  }
  const id = `set-${path.replace(/[^A-Za-z0-9]+/g, "-")}`;
  const name = path.split(".").pop() ?? path;
  if (typeof value === "boolean") return <Check id={id} label={label(name)} checked={value} onChange={onChange} />;
  if (Array.isArray(value)) {
    return <Field id={id} label={`${label(name)} (comma-separated)`} value={value.join(", ")}
      onInput={(t) => onChange(t.split(",").map((x) => x.trim()).filter(Boolean).map((x) => (Number.isFinite(Number(x)) ? Number(x) : x)))} />;
  }
  if (typeof value === "number") {
    return <Field id={id} label={label(name)} type="number" step="any" value={String(value)} onInput={(t) => onChange(t === "" ? t : Number(t))} />;
  }
  return <Field id={id} label={label(name)} value={value ?? ""} onInput={onChange} />;
}

function Setting({ title, path, save }: { title: string; path: string; save: (v: Json) => Promise<unknown> }) {
  const [tick, setTick] = useState(0);
  const { data, error } = useLoad(() => get<Json>(path), `${path}-${tick}`);
  const [draft, setDraft] = useState<Json | null>(null);
  const [message, setMessage] = useState("");
  const [saved, setSaved] = useState("");
  const value = draft ?? data;
  return (
    <Section title={title}>
      <ErrorLine text={error} />
      {value !== null && (
        <form class="grid" aria-label={title} onSubmit={async (e) => {
          e.preventDefault();
          setMessage("");
          setSaved("");
          try {
            await save(value);
            setDraft(null);
            setTick((t) => t + 1);
            setSaved("Saved.");
          } catch (err) {
            setMessage(messageOf(err));
          }
        }}>
          <JsonFields value={value} path="" onChange={setDraft} />
          <ErrorLine text={message} />
          {saved && <p role="status">{saved}</p>}
          <div class="actions"><button type="submit">Save {title.toLowerCase()}</button></div>
        </form>
      )}
    </Section>
  );
}

export function Admin() {
  return (
    <main id="main">
      <h1>Administration</h1>
      <Users />
      <DrugEditor />
      <Setting title="Safety thresholds" path="/settings/safety_thresholds" save={(v) => put("/settings/safety_thresholds", v)} />
      <Setting title="Screening policy" path="/settings/screening_policy" save={(v) => put("/settings/screening_policy", v)} />
      <Setting title="Dosing policy" path="/settings/dosing_policy" save={(v) => put("/settings/dosing_policy", v)} />
      <Setting title="Response policy" path="/settings/response_policy" save={(v) => put("/settings/response_policy", v)} />
      <Setting title="Clinic calendar" path="/settings/clinic_calendar" save={(v) => put("/settings/clinic_calendar", v)} />
    </main>
  );
}

/** The drug library: each entry edited as a whole (PUT /drugs replaces the entry of that name). */
function DrugEditor() {
  const [tick, setTick] = useState(0);
  const { data, error } = useLoad(() => get<{ drugs: Array<Record<string, Json>> }>("/drugs"), `drugs-${tick}`);
  const [drafts, setDrafts] = useState<Record<string, Json>>({});
  const [message, setMessage] = useState("");
  const [saved, setSaved] = useState("");
  return (
    <Section title="Drug library">
      <ErrorLine text={error} />
      {(data?.drugs ?? []).map((d) => {
        const name = String(d.name);
        const { id: _id, ...entry } = (drafts[name] as Record<string, Json>) ?? d;
        void _id;
        return (
          <form key={name} class="grid" aria-label={`Drug ${name}`} onSubmit={async (e) => {
            e.preventDefault();
            setMessage("");
            setSaved("");
            try {
              await put("/drugs", entry);
              setDrafts({});
              setTick((t) => t + 1);
              setSaved(`Saved ${name}.`);
            } catch (err) {
              setMessage(messageOf(err));
            }
          }}>
            <JsonFields value={entry} path={name} onChange={(v) => setDrafts({ ...drafts, [name]: v })} />
            <div class="actions"><button type="submit">Save {name}</button></div>
          </form>
        );
      })}
      <ErrorLine text={message} />
      {saved && <p role="status">{saved}</p>}
    </Section>
  );
}
