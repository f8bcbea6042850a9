import { describe, expect, it } from "vitest";
import { hrefOf, parseHash } from "../src/route";

describe("parseHash", () => {
  it("maps the empty hash and #/today to Today", () => {
    expect(parseHash("")).toEqual({ screen: "today" });
    expect(parseHash("#/today")).toEqual({ screen: "today" });
  });
  it("reads the patient search query", () => {
    expect(parseHash("#/patients?q=ada%20ex")).toEqual({ screen: "patients", query: "ada ex" });
  });
  it("reads patient screens", () => {
    expect(parseHash("#/patients/12")).toEqual({ screen: "chart", patient: 12 });
    expect(parseHash("#/patients/12/session")).toEqual({ screen: "session", patient: 12 });
  });
  it("refuses malformed ids and unknown screens", () => {
    expect(parseHash("#/patients/0").screen).toBe("not_found");
    expect(parseHash("#/patients/1e3").screen).toBe("not_found");
    expect(parseHash("#/patients/012").screen).toBe("not_found");
    expect(parseHash("#/patients/3/delete").screen).toBe("not_found");
  });
  it("round-trips through hrefOf", () => {
    for (const h of ["#/today", "#/admin", "#/patients/4", "#/patients/4/dose", "#/patients?q=x%20y"]) {
      expect(hrefOf(parseHash(h))).toBe(h);
    }
  });
});
