import { describe, expect, it } from "vitest";
import { addMinutes, checklistBody, defaultStart, emptyChecklist, retime, formKeyOf, plannedVitals, sessionBody, toIso, type SessionFormState } from "../src/session-form";


function state(): SessionFormState {
  return {
    patient: 3, course: "2", courseSession: "1", doseRecord: "", doubleCheck: "", checklist: { ...emptyChecklist },
    route: "iv", dosePerKg: "0.5", doseMg: "",
    startedAt: "2026-11-20T09:00", doseEndedAt: "", endedAt: "2026-11-20T11:50",
    vitals: plannedVitals("2026-11-20T09:00"), ratings: [], aes: [],
    discharge: { at: "", alert_and_oriented: false, vitals_near_baseline: false, ambulating_steadily: false, escort_present: false, assessed_by: "", notes: "" },
    documentDischarge: false, notes: "",
  };
}

describe("time helpers", () => {
  it("adds minutes across the hour and converts to UTC ISO", () => {
    expect(addMinutes("2026-11-20T09:55", 10)).toBe("2026-11-20T10:05");
    expect(addMinutes("2026-11-20T09:05", -10)).toBe("2026-11-20T08:55");
    expect(toIso("2026-11-20T09:00")).toBe("2026-11-20T09:00:00Z");
    expect(toIso("not a time")).toBe("not a time");
  });
  it("starts 3 hours ago on 5 minutes", () => {
    const d = defaultStart(new Date(2026, 10, 20, 12, 7));
    expect(d).toBe("2026-11-20T09:05");
  });
  it("plans vitals before, during and after", () => {
    const rows = plannedVitals("2026-11-20T09:00");
    expect(rows.map((r) => [r.at.slice(11), r.phase])).toEqual([
      ["08:50", "before"], ["09:10", "during"], ["09:20", "during"], ["09:30", "during"], ["09:40", "during"],
      ["10:10", "after"], ["11:40", "after"],
    ]);
  });
});

describe("checklistBody", () => {
  it("sends unanswered items as null (unknown), never false", () => {
    expect(checklistBody(emptyChecklist, "2026-11-20T09:00")).toEqual({
      last_food_at: null, escort_home_arranged: null, pregnancy_test: null, new_medications_or_illness: null, consent_current: null,
    });
  });
  it("sends the answers, the fasting time (hours before the start) in UTC and a note only when written", () => {
    const c = { fastingHours: "8", escort: "yes", pregnancyTest: "negative", newMedications: "no", newMedicationsNote: "", consent: "no" } as const;
    expect(checklistBody(c, "2026-11-20T09:00")).toEqual({
      last_food_at: "2026-11-20T01:00:00Z", escort_home_arranged: true, pregnancy_test: "negative", new_medications_or_illness: false, consent_current: false,
    });
  });
  it("cites the double check only with an order", () => {
    const s = state();
    s.doubleCheck = "4";
    expect("double_check" in sessionBody(s).body).toBe(false);
    s.doseRecord = "9";
    expect(sessionBody(s).body).toMatchObject({ dose_record: 9, double_check: 4 });
  });
});

describe("sessionBody", () => {
  it("sends the stock lot the dose was drawn from only when one is chosen", () => {
    const s = state();
    expect(sessionBody(s).body).not.toHaveProperty("stock_lot");
    s.stockLot = "";
    expect(sessionBody(s).body).not.toHaveProperty("stock_lot");
    s.stockLot = "7";
    expect(sessionBody(s).body.stock_lot).toBe(7);
  });
  it("sends only filled rows, numbers as numbers and text as text", () => {
    const s = state();
    s.vitals[0] = { ...s.vitals[0], systolic: "128", diastolic: "82", hr: "74", spo2: "98" };
    s.vitals[3] = { ...s.vitals[3], systolic: "15o" };
    const sent = sessionBody(s);
    expect(sent.body.vitals).toEqual([
      { at: "2026-11-20T08:50:00Z", phase: "before", systolic_mmhg: 128, diastolic_mmhg: 82, heart_rate_bpm: 74, spo2_percent: 98 },
      { at: "2026-11-20T09:30:00Z", phase: "during", systolic_mmhg: "15o" },
    ]);
    expect(sent.vitalRows).toEqual([0, 3]);
    expect(sent.body.course).toBe(2);
    expect(sent.body.course_session).toBe(1);
    expect(sent.body.dose_mg_per_kg).toBe(0.5);
    expect("discharge" in sent.body).toBe(false);
    expect(formKeyOf("vitals[1].systolic_mmhg", sent)).toBe("vitals.3.systolic");
    expect(formKeyOf("dose_mg", sent)).toBe("dose_mg");
  });
  it("sends a rating's every item and the discharge when documented", () => {
    const s = state();
    s.ratings = [{ scale: "gad-7", at: "2026-11-20T08:45", items: ["1", "2", "", "0", "1", "1", "1"], rater: "" }];
    s.documentDischarge = true;
    s.discharge = { ...s.discharge, at: "2026-11-20T11:45", alert_and_oriented: true, assessed_by: "RN" };
    const { body } = sessionBody(s);
    expect(body.ratings).toEqual([{ scale: "gad-7", at: "2026-11-20T08:45:00Z", items: [1, 2, "", 0, 1, 1, 1], rater: "self" }]);
    expect((body.discharge as Record<string, unknown>).alert_and_oriented).toBe(true);
  });
});

describe("retime", () => {
  it("moves every time with the dosing start and keeps the values", () => {
    const s = state();
    s.vitals[0].systolic = "120";
    s.ratings = [{ scale: "gad-7", at: "x", items: ["1", "", "", "", "", "", ""], rater: "self" }];
    const r = retime({ ...s, startedAt: "2026-11-21T10:00" });
    expect(r.vitals[0]).toMatchObject({ at: "2026-11-21T09:50", systolic: "120" });
    expect(r.ratings[0].at).toBe("2026-11-21T09:45");
    expect(r.endedAt).toBe("2026-11-21T12:50");
    expect(r.discharge.at).toBe("2026-11-21T12:45");
  });
});
