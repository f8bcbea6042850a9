// The clinic app: sign-in, the navigation by role, the re-authentication dialog, the screens.
import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { currentUser, errorOf, hasRole, onAuthChange, restore, setReauthenticate, signIn, signOut, type Me } from "./api";
import { parseHash, type Route } from "./route";
import { ErrorLine, messageOf } from "./ui";
import { Today } from "./screens/today";
import { Patients } from "./screens/patients";
import { Chart } from "./screens/chart";
import { ScreeningForm } from "./screens/screening";
import { DoseCalculator } from "./screens/dose";
import { CoursePlan } from "./screens/course";
import { SessionForm } from "./screens/session";
import { OrderCheck } from "./screens/order-check";
import { FollowUp } from "./screens/followup";
import { ReportPreview } from "./screens/report";
import { Admin } from "./screens/admin";

/** A one-time setup token (from an admin or `serve --setup-admin`) and the password to choose. */
function ChoosePassword() {
  const [token, setToken] = useState("");
  const [password, setPassword] = useState("");
  const [message, setMessage] = useState("");
  const [error, setError] = useState("");
  return (
    <form aria-label="Choose a password" onSubmit={async (e) => {
      e.preventDefault();
      setError("");
      try {
        const res = await fetch("/api/v1/auth/setup", {
          method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token: token.trim(), password }),
        });
        if (!res.ok) throw await errorOf(res);
        const j = await res.json();
        setMessage(`Password set for ${j.user}. Sign in above.`);
        setToken("");
        setPassword("");
      } catch (err) {
        setError(messageOf(err));
      }
    }}>
      <div class="field">
        <label for="setup-token">One-time setup token</label>
        <input id="setup-token" autoComplete="off" value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} required />
      </div>
      <div class="field">
        <label for="setup-password">New password (at least 12 characters)</label>
        <input id="setup-password" type="password" autoComplete="new-password" value={password}
          onInput={(e) => setPassword((e.target as HTMLInputElement).value)} required />
      </div>
      <ErrorLine text={error} />
      {message && <p role="status">{message}</p>}
      <button type="submit">Set password</button>
    </form>
  );
}

function SignIn({ onDone }: { onDone: () => void }) {
  const [user, setUser] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      await signIn(user.trim(), password);
      setPassword("");
      onDone();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="signin">
      <h1>Ketapath clinic</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <div class="field">
          <label for="signin-user">User name</label>
          <input id="signin-user" name="username" autoComplete="username" value={user}
            onInput={(e) => setUser((e.target as HTMLInputElement).value)} required />
        </div>
        <div class="field">
          <label for="signin-password">Password</label>
          <input id="signin-password" name="password" type="password" autoComplete="current-password"
            value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} required />
        </div>
        <ErrorLine text={error} />
        <button type="submit" disabled={busy}>Sign in</button>
      </form>
      <details>
        <summary>First time here? Choose your password with a setup token</summary>
        <ChoosePassword />
      </details>
      <p class="hint">
        Asking for a consultation? <a href="/request.html">Request one here</a> (no account needed).
      </p>
    </main>
  );
}

/** Shown over the current screen when the session has expired; the form underneath survives. */
function ReauthDialog({ user, onDone }: { user: string; onDone: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await signIn(user, password);
      setPassword("");
      ref.current?.close();
      onDone();
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <dialog ref={ref} class="reauth" aria-labelledby="reauth-title" onCancel={(e) => e.preventDefault()}>
      <form onSubmit={submit}>
        <h2 id="reauth-title">Your session has expired</h2>
        <p>Sign in again as <strong>{user}</strong> to continue. Nothing you entered has been lost.</p>
        <div class="field">
          <label for="reauth-password">Password</label>
          <input id="reauth-password" type="password" autoComplete="current-password" value={password}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)} required />
        </div>
        <ErrorLine text={error} />
        <button type="submit">Sign in and continue</button>
      </form>
    </dialog>
  );
}

function Nav({ me, route }: { me: Me; route: Route }) {
  const item = (href: string, text: string, active: boolean) => (
    <li>
      <a href={href} aria-current={active ? "page" : undefined}>{text}</a>
    </li>
  );
  return (
    <header class="top">
      <a class="skip" href="#main">Skip to content</a>
      <span class="brand">Ketapath</span>
      <nav aria-label="Main">
        <ul>
          {item("#/today", "Today", route.screen === "today")}
          {item("#/patients", "Patients", route.screen !== "today" && route.screen !== "admin")}
          {hasRole("admin") && item("#/admin", "Admin", route.screen === "admin")}
        </ul>
      </nav>
      <span class="who">
        {me.name} <span class="roles">({me.roles.join(", ").replace(/_/g, " ")})</span>
      </span>
      <button type="button" class="link" onClick={() => signOut().then(() => (location.hash = "#/today"))}>
        Sign out
      </button>
    </header>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.screen) {
    case "today":
      return <Today />;
    case "patients":
      return <Patients query={route.query} />;
    case "chart":
      return <Chart patient={route.patient} />;
    case "screening":
      return <ScreeningForm patient={route.patient} />;
    case "dose":
      return <DoseCalculator patient={route.patient} />;
    case "course":
      return <CoursePlan patient={route.patient} />;
    case "session":
      return <SessionForm patient={route.patient} />;
    case "check":
      return <OrderCheck patient={route.patient} />;
    case "followup":
      return <FollowUp patient={route.patient} />;
    case "report":
      return <ReportPreview patient={route.patient} />;
    case "admin":
      return hasRole("admin") ? <Admin /> : <main id="main"><h1>Administration</h1><p>Only an administrator may open this screen.</p></main>;
    default:
      return (
        <main id="main">
          <h1>Not found</h1>
          <p>There is no screen at this address. <a href="#/today">Go to Today</a>.</p>
        </main>
      );
  }
}

function App() {
  const [me, setMe] = useState<Me | null>(currentUser());
  const [checked, setChecked] = useState(false);
  const [route, setRoute] = useState<Route>(parseHash(location.hash));
  const [reauth, setReauth] = useState<{ user: string; resolve: () => void } | null>(null);
  useEffect(() => {
    const off = onAuthChange(() => setMe(currentUser()));
    const onHash = () => setRoute(parseHash(location.hash));
    window.addEventListener("hashchange", onHash);
    setReauthenticate((user) => new Promise<void>((resolve) => setReauth({ user, resolve })));
    restore().finally(() => setChecked(true));
    return () => {
      off();
      window.removeEventListener("hashchange", onHash);
      setReauthenticate(null);
    };
  }, []);
  if (!checked) return <main id="main"><p>Loading…</p></main>;
  if (!me) return <SignIn onDone={() => setRoute(parseHash(location.hash))} />;
  return (
    <>
      <Nav me={me} route={route} />
      <Screen route={route} key={JSON.stringify(route)} />
      {reauth && (
        <ReauthDialog
          user={reauth.user}
          onDone={() => {
            const r = reauth;
            setReauth(null);
            r.resolve();
          }}
        />
      )}
    </>
  );
}

render(<App />, document.getElementById("app")!);
