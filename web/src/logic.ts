// Pure helpers of the screens (unit-tested). No clinical rule lives here: ordering and display only.
import type { Alert, ResponseSummary } from "./types";

const severity: Record<Alert["level"], number> = { urgent: 0, stop: 1, pause: 2, caution: 3 };

/** Open alerts by severity (urgent first), then oldest first. */
export function alertOrder(a: Alert, b: Alert): number {
  const s = (severity[a.level] ?? 9) - (severity[b.level] ?? 9);
  return s !== 0 ? s : a.at.localeCompare(b.at);
}

export interface PlotPoint {
  x: number;
  y: number;
  total: number;
  infusion: number;
  at: string;
  kind: "trough" | "acute";
}

export interface Plot {
  width: number;
  height: number;
  points: PlotPoint[];
  yTicks: Array<{ y: number; value: number }>;
  xTicks: Array<{ x: number; label: string }>;
  line: (value: number) => number;
}

/**
 * Places trough and acute scores on a width x height plot area by time (x) and total (y, 0 at
 * the bottom). Pure geometry: the scores, and any responder/remission totals drawn with `line`,
 * are the server's.
 */
export function plotScores(
  trough: Array<{ at: string; total: number; infusion: number }>,
  acute: Array<{ at: string; total: number; infusion: number }>,
  width: number,
  height: number,
  extraValues: number[] = [],
): Plot {
  const all = [...trough.map((p) => ({ ...p, kind: "trough" as const })), ...acute.map((p) => ({ ...p, kind: "acute" as const }))];
  const times = all.map((p) => Date.parse(p.at));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const maxTotal = Math.max(1, ...all.map((p) => p.total), ...extraValues);
  const top = Math.ceil(maxTotal / 5) * 5;
  const pad = 10;
  const xOf = (t: number) => (t1 === t0 ? width / 2 : pad + ((t - t0) / (t1 - t0)) * (width - 2 * pad));
  const yOf = (v: number) => height - (v / top) * height;
  const points = all
    .map((p, i) => ({ x: xOf(times[i]), y: yOf(p.total), total: p.total, infusion: p.infusion, at: p.at, kind: p.kind }))
    .sort((a, b) => a.x - b.x);
  const yTicks = [];
  for (let v = 0; v <= top; v += top <= 20 ? 5 : 10) yTicks.push({ y: yOf(v), value: v });
  const xTicks = trough.length + acute.length === 0 ? [] : [
    { x: xOf(t0), label: new Date(t0).toISOString().slice(0, 10) },
    ...(t1 !== t0 ? [{ x: xOf(t1), label: new Date(t1).toISOString().slice(0, 10) }] : []),
  ];
  return { width, height, points, yTicks, xTicks, line: yOf };
}

/**
 * The form field a server refusal names: its `field`, else the JSON path in its message
 * ("body.vitals[2].systolic_mmhg: ..." -> "vitals[2].systolic_mmhg"), else the first of `known`
 * that the message mentions as a word ("session: dose_mg does not match ..." -> "dose_mg").
 * "" when it names none (the refusal is then shown at the top of the form).
 */
export function refusalField(field: string, message: string, known: string[] = []): string {
  if (field && field !== "body") return field.replace(/^body\./, "");
  const path = /\bbody\.([A-Za-z0-9_]+(?:(?:\.[A-Za-z0-9_]+)|\[\d+\])*)/.exec(message);
  if (path) return path[1];
  const indexed = /\b([a-z_]+\[\d+\](?:\.[a-z0-9_]+)*)/.exec(message);
  if (indexed) return indexed[1];
  let best = "";
  let at = Infinity;
  for (const key of known) {
    const m = new RegExp(`(^|[^A-Za-z0-9_])${key.replace(/[.[\]]/g, "\\$&")}($|[^A-Za-z0-9_])`).exec(message);
    if (m && m.index < at) {
      at = m.index;
      best = key;
    }
  }
  return best;
}

/** Sum of the answered items (the live total beside a scale; the server recomputes and checks it). */
export function itemTotal(items: string[]): { total: number; answered: number } {
  let total = 0;
  let answered = 0;
  for (const text of items) {
    if (text.trim() === "") continue;
    const n = Number(text);
    if (Number.isFinite(n)) {
      total += n;
      answered += 1;
    }
  }
  return { total, answered };
}

/**
 * The horizontal lines of a response chart: the baseline and the server's responder and
 * remission totals (analyse_response's rule; never worked out here), each with its label.
 */
export function referenceLines(
  s: Pick<ResponseSummary, "baseline" | "responder_total" | "remission_total">,
): Array<{ value: number; label: string; cls: "baseline" | "responder" | "remission" }> {
  const lines: Array<{ value: number; label: string; cls: "baseline" | "responder" | "remission" }> = [];
  if (s.baseline != null) lines.push({ value: s.baseline, label: `baseline ${s.baseline}`, cls: "baseline" });
  if (s.responder_total != null) lines.push({ value: s.responder_total, label: `response \u2264 ${s.responder_total}`, cls: "responder" });
  if (s.remission_total != null) lines.push({ value: s.remission_total, label: `remission \u2264 ${s.remission_total}`, cls: "remission" });
  return lines;
}

/**
 * The field of the reschedule form a server refusal is about: "reason" when it names the reason,
 * "to" when it is about the new day (its JSON path, "the new day", or the course order or days
 * the day would break), "" otherwise (shown at the top of the form).
 */
export function rescheduleField(field: string, message: string): "to" | "reason" | "" {
  const f = refusalField(field, message, ["reason", "new day"]);
  if (f === "reason") return "reason";
  if (f === "to" || f === "new day" || /keep its place|same days/.test(message)) return "to";
  return "";
}

/**
 * The infusion-number labels under a response chart: one at the first trough point after each
 * number of infusions ("BL" for none), left to right, dropping one that would sit closer than
 * `gap` px to the label before it.
 */
export function infusionTicks(points: PlotPoint[], gap = 30): Array<{ x: number; label: string }> {
  const out: Array<{ x: number; label: string }> = [];
  const seen = new Set<number>();
  for (const p of [...points].filter((q) => q.kind === "trough").sort((a, b) => a.x - b.x)) {
    if (seen.has(p.infusion)) continue;
    seen.add(p.infusion);
    if (out.length > 0 && p.x - out[out.length - 1].x < gap) continue;
    out.push({ x: p.x, label: p.infusion === 0 ? "BL" : `inf ${p.infusion}` });
  }
  return out;
}
