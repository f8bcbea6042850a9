// The one way the front end talks to `ketapath serve` (/api/v1, src/server/openapi.json).
// Holds the signed-in user and the CSRF token in memory only (never localStorage: a clinic
// workstation is shared). A 401 on a request made while signed in asks the app to re-authenticate
// (a dialog over the current screen, so the form underneath survives) and then repeats the
// request once: a 401 means the server refused before doing anything, so the repeat is safe.

export type Role = "admin" | "prescriber" | "nurse" | "front_desk" | "auditor";

export interface Me {
  name: string;
  roles: Role[];
  csrf: string;
}

/** A refusal of the server, as its {"error": {"code", "field", "message"}} says. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

let me: Me | null = null;
let reauthenticate: ((user: string) => Promise<void>) | null = null;
let pendingReauth: Promise<void> | null = null; // one dialog for every request that met the 401
const listeners = new Set<() => void>();

export function currentUser(): Me | null {
  return me;
}

export function onAuthChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function setMe(value: Me | null): void {
  me = value;
  listeners.forEach((l) => l());
}

/** The app's re-authentication dialog; resolves after a successful sign-in as `user`. */
export function setReauthenticate(handler: ((user: string) => Promise<void>) | null): void {
  reauthenticate = handler;
}

export function hasRole(...roles: Role[]): boolean {
  return me !== null && me.roles.some((r) => roles.includes(r));
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && me) headers["X-CSRF-Token"] = me.csrf;
  return fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
}

export async function errorOf(res: Response): Promise<ApiError> {
  let code = "internal";
  let field = "";
  let message = `HTTP ${res.status}`;
  try {
    const j = await res.json();
    if (j && j.error) {
      code = j.error.code ?? code;
      field = j.error.field ?? "";
      message = j.error.message ?? message;
    }
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(res.status, code, field, message);
}

/** A JSON request under /api/v1 (path without the prefix). */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const url = `/api/v1${path}`;
  let res = await send(method, url, body);
  if (res.status === 401 && me && reauthenticate && !path.startsWith("/auth/")) {
    if (!pendingReauth) {
      pendingReauth = reauthenticate(me.name).finally(() => {
        pendingReauth = null;
      });
    }
    await pendingReauth;
    res = await send(method, url, body);
  }
  if (!res.ok) throw await errorOf(res);
  const type = res.headers.get("Content-Type") ?? "";
  return (type.includes("json") ? await res.json() : await res.text()) as T;
}

export const get = <T>(path: string) => api<T>("GET", path);
export const post = <T>(path: string, body: unknown = {}) => api<T>("POST", path, body);
export const put = <T>(path: string, body: unknown) => api<T>("PUT", path, body);

interface MeJson {
  name: string;
  roles: Role[];
  csrf_token: string;
}

/** Who is signed in (the session cookie survives a reload; the CSRF token comes with it). */
export async function restore(): Promise<Me | null> {
  const res = await send("GET", "/api/v1/auth/me");
  if (!res.ok) {
    setMe(null);
    return null;
  }
  const j = (await res.json()) as MeJson;
  setMe({ name: j.name, roles: j.roles, csrf: j.csrf_token });
  return me;
}

export async function signIn(user: string, password: string): Promise<Me> {
  const res = await send("POST", "/api/v1/auth/sign-in", { user, password });
  if (!res.ok) throw await errorOf(res);
  const signed = (await res.json()) as { user: string; csrf_token: string };
  const who = await restore();
  if (!who || who.name !== signed.user) throw new ApiError(500, "internal", "", "sign-in did not hold");
  return who;
}

export async function signOut(): Promise<void> {
  try {
    if (me) await send("POST", "/api/v1/auth/sign-out", {});
  } finally {
    setMe(null);
  }
}

/** Forget the user without asking the server (its session expired). Tests use it too. */
export function forget(): void {
  setMe(null);
}
