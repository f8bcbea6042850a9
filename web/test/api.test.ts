import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, forget, get, post, restore, setReauthenticate } from "../src/api";

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

afterEach(() => {
  vi.unstubAllGlobals();
  setReauthenticate(null);
  forget();
});

describe("api", () => {
  it("sends the CSRF token on writes and turns errors into ApiError", async () => {
    const calls: Array<[string, RequestInit]> = [];
    const replies = [
      json(200, { name: "nurse", roles: ["nurse"], csrf_token: "tok" }),
      json(422, { error: { code: "refused", field: null, message: "body.weight_kg: must be > 0" } }),
    ];
    vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
      calls.push([url, init]);
      return replies.shift()!;
    });
    await restore();
    const err = (await post("/patients/1/weights", { weight_kg: 0 }).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(422);
    expect(err.code).toBe("refused");
    expect(err.message).toBe("body.weight_kg: must be > 0");
    const headers = calls[1][1].headers as Record<string, string>;
    expect(headers["X-CSRF-Token"]).toBe("tok");
    expect(calls[1][0]).toBe("/api/v1/patients/1/weights");
  });

  it("re-authenticates once for concurrent 401s and repeats each request", async () => {
    let signedIn = true;
    vi.stubGlobal("fetch", async (url: string) => {
      if (url.endsWith("/auth/me")) return json(200, { name: "nurse", roles: ["nurse"], csrf_token: "t" });
      return signedIn ? json(200, { ok: url }) : json(401, { error: { code: "unauthenticated", message: "expired" } });
    });
    await restore();
    signedIn = false;
    let dialogs = 0;
    setReauthenticate(async (user) => {
      expect(user).toBe("nurse");
      dialogs += 1;
      await new Promise((r) => setTimeout(r, 10));
      signedIn = true;
    });
    const [a, b] = await Promise.all([get<{ ok: string }>("/a"), get<{ ok: string }>("/b")]);
    expect(dialogs).toBe(1);
    expect(a.ok).toBe("/api/v1/a");
    expect(b.ok).toBe("/api/v1/b");
  });

  it("does not re-authenticate when nobody is signed in", async () => {
    vi.stubGlobal("fetch", async () => json(401, { error: { code: "unauthenticated", message: "sign in first" } }));
    let dialogs = 0;
    setReauthenticate(async () => {
      dialogs += 1;
    });
    const err = (await get("/patients").catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(401);
    expect(dialogs).toBe(0);
  });
});
