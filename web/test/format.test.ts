import { describe, expect, it } from "vitest";
import { ageOn, matchesPatient, shortTime } from "../src/format";
import { alertOrder, plotScores } from "../src/logic";
import type { Alert } from "../src/types";

describe("matchesPatient", () => {
  const ada = { name: "Ada Example", birth_date: "1985-04-12" };
  it("matches every word of the name in any case", () => {
    expect(matchesPatient(ada, "ada")).toBe(true);
    expect(matchesPatient(ada, "EXAMPLE ada")).toBe(true);
    expect(matchesPatient(ada, "ada smith")).toBe(false);
  });
  it("matches a birth date or its prefix", () => {
    expect(matchesPatient(ada, "1985-04-12")).toBe(true);
    expect(matchesPatient(ada, "1985-04")).toBe(true);
    expect(matchesPatient(ada, "1985-05")).toBe(false);
  });
  it("matches everyone for an empty query", () => {
    expect(matchesPatient(ada, "  ")).toBe(true);
  });
});

describe("ageOn and shortTime", () => {
  it("counts whole years", () => {
    expect(ageOn("1985-04-12", "2026-04-11")).toBe(40);
    expect(ageOn("1985-04-12", "2026-04-12")).toBe(41);
  });
  it("shortens timestamps", () => {
    expect(shortTime("2026-11-20T09:00:00Z")).toBe("2026-11-20 09:00");
    expect(shortTime(null)).toBe("");
  });
});

describe("alertOrder", () => {
  const a = (id: number, level: Alert["level"], at: string) => ({ id, level, at }) as Alert;
  it("puts urgent first, then stop, pause, caution; older first within a level", () => {
    const sorted = [a(1, "caution", "2026-01-01"), a(2, "urgent", "2026-01-02"), a(3, "pause", "2026-01-01"),
      a(4, "urgent", "2026-01-01"), a(5, "stop", "2026-01-03")].sort(alertOrder);
    expect(sorted.map((x) => x.id)).toEqual([4, 2, 5, 3, 1]);
  });
});

describe("plotScores", () => {
  it("places points by time and total with 0 at the bottom", () => {
    const plot = plotScores(
      [{ at: "2026-11-01T00:00:00Z", total: 20, infusion: 0 }, { at: "2026-11-11T00:00:00Z", total: 10, infusion: 3 }],
      [{ at: "2026-11-06T00:00:00Z", total: 5, infusion: 2 }],
      200, 100,
    );
    expect(plot.points.map((p) => p.kind)).toEqual(["trough", "acute", "trough"]);
    expect(plot.points[0].x).toBe(10);
    expect(plot.points[2].x).toBe(190);
    expect(plot.points[1].x).toBe(100);
    expect(plot.line(0)).toBe(100);
    expect(plot.line(20)).toBe(0);
    expect(plot.points[1].y).toBe(75);
  });
  it("keeps reference lines inside the scale", () => {
    const plot = plotScores([{ at: "2026-11-01T00:00:00Z", total: 8, infusion: 0 }], [], 100, 100, [24]);
    expect(plot.line(24)).toBeGreaterThanOrEqual(0);
    expect(plot.points[0].x).toBe(50);
  });
});

import { itemTotal, refusalField } from "../src/logic";

describe("refusalField", () => {
  it("uses the error's field when it names one", () => {
    expect(refusalField("body.weight_kg", "x")).toBe("weight_kg");
    expect(refusalField("dose_mg_per_kg", "x")).toBe("dose_mg_per_kg");
  });
  it("reads the JSON path in the message", () => {
    expect(refusalField("body", "body.vitals[2].systolic_mmhg: must be a number")).toBe("vitals[2].systolic_mmhg");
    expect(refusalField("", "body.gad.worry_duration_months: must be an integer")).toBe("gad.worry_duration_months");
  });
  it("reads an indexed path anywhere in the message", () => {
    expect(refusalField("", "session: ratings[0]: rated_at must lie in the session window")).toBe("ratings[0]");
    expect(refusalField("", "session: vitals[3].spo2_percent: 140 % is not 50-100")).toBe("vitals[3].spo2_percent");
  });
  it("falls back to the first known key the message mentions as a word", () => {
    expect(refusalField("", "session: dose_mg does not match 70 kg x 0.5 mg/kg", ["dose_mg_per_kg", "dose_mg"])).toBe("dose_mg");
    expect(refusalField("", "session: ended_at before started_at", ["started_at", "ended_at"])).toBe("ended_at");
    expect(refusalField("", "no field here", ["dose_mg"])).toBe("");
  });
});

describe("itemTotal", () => {
  it("adds the answered items and counts them", () => {
    expect(itemTotal(["1", "", "3", " 2 "])).toEqual({ total: 6, answered: 3 });
    expect(itemTotal(["x", ""])).toEqual({ total: 0, answered: 0 });
  });
});

import { referenceLines, rescheduleField } from "../src/logic";

describe("referenceLines", () => {
  it("draws the server's responder and remission totals, labelled", () => {
    const lines = referenceLines({ baseline: 14, responder_total: 7, remission_total: 4 });
    expect(lines.map((l) => [l.cls, l.value, l.label])).toEqual([
      ["baseline", 14, "baseline 14"],
      ["responder", 7, "response \u2264 7"],
      ["remission", 4, "remission \u2264 4"],
    ]);
  });
  it("draws no line the server did not send (never works one out)", () => {
    expect(referenceLines({ baseline: 20, responder_total: null, remission_total: null }).map((l) => l.cls)).toEqual(["baseline"]);
    expect(referenceLines({ baseline: null, responder_total: null, remission_total: null })).toEqual([]);
    // 0 is a value, not "missing".
    expect(referenceLines({ baseline: 1, responder_total: 0, remission_total: 0 }).map((l) => l.value)).toEqual([1, 0, 0]);
  });
});

describe("rescheduleField", () => {
  it("puts a refusal about the day beside the day", () => {
    expect(rescheduleField("", "course reschedule: the new day 2026-01-02 is in the past (today is 2026-12-04)")).toBe("to");
    expect(rescheduleField("body", "body.to: must be a date YYYY-MM-DD (got \"x\")")).toBe("to");
    expect(rescheduleField("", "course reschedule: session 3 on 2026-12-09 would not keep its place: session 4 is on 2026-12-08 (reschedule that one too, or skip one)")).toBe("to");
    expect(rescheduleField("", "course reschedule: session 3 on 2026-12-09 would make course 1 (a to b) run over the same days as active course 2")).toBe("to");
  });
  it("puts a refusal about the reason beside the reason", () => {
    expect(rescheduleField("", "course reschedule: a reason is required")).toBe("reason");
    expect(rescheduleField("", "body.reason: is required")).toBe("reason");
  });
  it("leaves the rest to the top of the form", () => {
    expect(rescheduleField("", "course reschedule: course 2 is cancelled, not active")).toBe("");
  });
});

import { infusionTicks } from "../src/logic";

describe("infusionTicks", () => {
  const pt = (x: number, infusion: number, kind: "trough" | "acute" = "trough") => ({ x, y: 0, total: 0, infusion, at: "", kind });
  it("labels the first trough point after each infusion count, left to right", () => {
    expect(infusionTicks([pt(300, 2), pt(10, 0), pt(150, 1), pt(200, 1), pt(100, 1, "acute")])).toEqual([
      { x: 10, label: "BL" }, { x: 150, label: "inf 1" }, { x: 300, label: "inf 2" },
    ]);
  });
  it("drops a label that would crowd the one before it", () => {
    expect(infusionTicks([pt(10, 0), pt(20, 1), pt(60, 2)], 30).map((t) => t.label)).toEqual(["BL", "inf 2"]);
  });
});
