// End-to-end harness: starts a real `ketapath serve` on a free loopback port with a throw-away
// SQLite database, creates the clinic's users through the API (setup tokens, never a printed
// password), and drives Debian's Chromium through playwright-core. No browser is downloaded.
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import net from "node:net";

const here = dirname(fileURLToPath(import.meta.url));
export const webDir = resolve(here, "..");
export const repoDir = resolve(webDir, "..");
export const artifacts = resolve(process.env.KETAPATH_E2E_ARTIFACTS ?? join(repoDir, "build", "web-e2e"));

export function findBinary() {
  const candidates = [process.env.KETAPATH_BIN, join(repoDir, "build", "src", "cli", "ketapath")].filter(Boolean);
  for (const c of candidates) if (existsSync(c)) return resolve(c);
  throw new Error(`ketapath binary not found (tried ${candidates.join(", ")}); build it or set KETAPATH_BIN`);
}

export function findChromium() {
  const c = process.env.KETAPATH_CHROMIUM ?? "/usr/bin/chromium";
  if (!existsSync(c)) throw new Error(`${c} not found: install Debian's chromium (scripts/install-deps.sh)`);
  return c;
}

async function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.unref();
    s.on("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

export const PASSWORD = "correct horse battery staple 42";

/** A running server with its users; stop() ends it and removes the database. */
export async function startServer() {
  const bin = findBinary();
  const dir = mkdtempSync(join(tmpdir(), "ketapath-web-e2e-"));
  const db = `sqlite:${join(dir, "clinic.db")}`;
  const port = await freePort();
  const child = spawn(bin, ["serve", "--db", db, "--listen", `127.0.0.1:${port}`, "--web", join(webDir, "dist"),
    "--setup-admin", "admin", "--threads", "16"], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const deadline = Date.now() + 20000;
  while (!/listening on/.test(out)) {
    if (child.exitCode !== null) throw new Error(`ketapath serve exited ${child.exitCode}: ${err.slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`ketapath serve did not start: ${out}\n${err.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const token = /^\s+([0-9a-f]{32,})\s*$/m.exec(out)?.[1];
  if (!token) throw new Error(`no setup token in: ${out}`);
  const base = `http://127.0.0.1:${port}`;
  const server = { base, port, dir, db, bin, child, log: () => err };
  await call(base, "POST", "/api/v1/auth/setup", { token, password: PASSWORD });
  const admin = await apiSession(base, "admin");
  server.admin = admin;
  server.stop = async () => {
    child.kill("SIGTERM");
    await new Promise((r) => (child.exitCode !== null ? r() : child.on("exit", r)));
    rmSync(dir, { recursive: true, force: true });
  };
  return server;
}

async function call(base, method, path, body, cookie = "", csrf = "") {
  const headers = { "Content-Type": "application/json" };
  if (cookie) headers.Cookie = cookie;
  if (csrf) headers["X-CSRF-Token"] = csrf;
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const json = text.startsWith("{") ? JSON.parse(text) : text;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return { res, json };
}

/** Signs in over HTTP (the harness's own session, for setting up users and data). */
export async function apiSession(base, user) {
  const { res, json } = await call(base, "POST", "/api/v1/auth/sign-in", { user, password: PASSWORD });
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0];
  const s = {
    user, cookie, csrf: json.csrf_token,
    get: (path) => call(base, "GET", path, undefined, cookie).then((r) => r.json),
    post: (path, body = {}) => call(base, "POST", path, body, cookie, json.csrf_token).then((r) => r.json),
    put: (path, body) => call(base, "PUT", path, body, cookie, json.csrf_token).then((r) => r.json),
  };
  return s;
}

/** Adds a user with roles and a password (setup token redeemed here; nothing printed). */
export async function addUser(server, name, roles) {
  await server.admin.post("/api/v1/users", { name, roles });
  const { setup_token } = await server.admin.post(`/api/v1/users/${name}/setup-token`);
  await call(server.base, "POST", "/api/v1/auth/setup", { token: setup_token, password: PASSWORD });
}

export async function launchBrowser() {
  const { chromium } = await import("playwright-core");
  // playwright-core gives every launch a new empty profile (its own --user-data-dir).
  const browser = await chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  return browser;
}

export function ensureArtifacts() {
  mkdirSync(artifacts, { recursive: true });
  return artifacts;
}

export { execFileSync };
