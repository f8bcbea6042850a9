// Hash routes ("#/patients/3/session"): the server serves one index.html, so no path rewriting is
// needed and a reload keeps the screen. Pure, unit-tested.

export type Route =
  | { screen: "today" }
  | { screen: "patients"; query: string }
  | { screen: "chart"; patient: number }
  | { screen: "screening"; patient: number }
  | { screen: "dose"; patient: number }
  | { screen: "course"; patient: number }
  | { screen: "session"; patient: number }
  | { screen: "check"; patient: number }
  | { screen: "followup"; patient: number }
  | { screen: "report"; patient: number }
  | { screen: "admin" }
  | { screen: "not_found"; hash: string };

const patientScreens = ["screening", "dose", "course", "session", "check", "followup", "report"] as const;

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, "");
  const [pathPart, queryPart = ""] = raw.split("?", 2);
  const parts = pathPart.split("/").filter((p) => p.length > 0);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === "today")) return { screen: "today" };
  if (parts[0] === "admin" && parts.length === 1) return { screen: "admin" };
  if (parts[0] === "patients") {
    if (parts.length === 1) {
      const q = new URLSearchParams(queryPart).get("q") ?? "";
      return { screen: "patients", query: q };
    }
    const id = Number(parts[1]);
    if (Number.isInteger(id) && id > 0 && String(id) === parts[1]) {
      if (parts.length === 2) return { screen: "chart", patient: id };
      const sub = parts[2] as (typeof patientScreens)[number];
      if (parts.length === 3 && patientScreens.includes(sub)) return { screen: sub, patient: id };
    }
  }
  return { screen: "not_found", hash: raw };
}

export function hrefOf(route: Route): string {
  switch (route.screen) {
    case "today":
      return "#/today";
    case "admin":
      return "#/admin";
    case "patients":
      return route.query ? `#/patients?q=${encodeURIComponent(route.query)}` : "#/patients";
    case "chart":
      return `#/patients/${route.patient}`;
    case "not_found":
      return `#${route.hash}`;
    default:
      return `#/patients/${route.patient}/${route.screen}`;
  }
}
