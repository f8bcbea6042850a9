// Display helpers (no clinical rule: values come from the server as they are).

/** "2026-11-20T09:00:00Z" -> "2026-11-20 09:00" (UTC, as stored). */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}

/** Age in whole years on `today` for a birth date "YYYY-MM-DD". */
export function ageOn(birth: string, today: string): number {
  const [by, bm, bd] = birth.split("-").map(Number);
  const [ty, tm, td] = today.split("-").map(Number);
  let age = ty - by;
  if (tm < bm || (tm === bm && td < bd)) age -= 1;
  return age;
}

export function todayIso(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Whether a patient matches a search: every word in the name (any case), or the birth date. */
export function matchesPatient(p: { name: string; birth_date: string }, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === "") return true;
  if (/^\d{4}(-\d{2}){0,2}$/.test(q)) return p.birth_date.startsWith(q);
  const name = p.name.toLowerCase();
  return q.split(/\s+/).every((word) => name.includes(word));
}

export function label(key: string): string {
  return key.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}
