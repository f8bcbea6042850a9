// The letter to the psychiatrist or PCP: the server's HTML (GET /patients/{id}/report), shown
// here without its scripts, styles or event attributes, and printed with the print stylesheet.
import { ApiError, get } from "../api";
import { ErrorLine, useLoad } from "../ui";
import { useEffect, useRef } from "preact/hooks";

/** The letter's body as nodes: no script, style, link, meta, iframe or on* attribute survives. */
export function sanitizedLetter(html: string): DocumentFragment {
  // <style> and <script> elements are cut from the text before parsing: Chromium checks a parsed
  // document's inline styles against this page's Content-Security-Policy (no inline style) and
  // logs a violation even though the element is removed right after.
  const text = html.replace(/<(style|script)\b[\s\S]*?<\/\1\s*>/gi, "");
  const doc = new DOMParser().parseFromString(text, "text/html");
  doc.querySelectorAll("script, style, link, meta, iframe, object, embed, base, form").forEach((n) => n.remove());
  doc.querySelectorAll("*").forEach((el) => {
    for (const a of Array.from(el.attributes)) {
      if (/^on/i.test(a.name) || a.name === "style" || /^\s*javascript:/i.test(a.value)) el.removeAttribute(a.name);
    }
  });
  const frag = document.createDocumentFragment();
  for (const n of Array.from(doc.body.childNodes)) frag.appendChild(document.importNode(n, true));
  return frag;
}

export function ReportPreview({ patient }: { patient: number }) {
  const { data, error } = useLoad(async () => {
    try {
      return await get<string>(`/patients/${patient}/report`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404 && e.message === "no such route") {
        throw new Error("This server has no letter route yet (GET /api/v1/patients/{id}/report).");
      }
      throw e;
    }
  }, `report-${patient}`);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (box.current && typeof data === "string") {
      box.current.replaceChildren(sanitizedLetter(data));
    }
  }, [data]);
  return (
    <main id="main">
      <h1 class="noprint">Letter</h1>
      <nav class="actions noprint" aria-label="Letter actions">
        <a class="button" href={`#/patients/${patient}`}>Back to the chart</a>
        <button type="button" onClick={() => window.print()} disabled={!data}>Print</button>
      </nav>
      <ErrorLine text={error} />
      {!data && !error && <p aria-live="polite">Loading…</p>}
      <article class="letter card" ref={box} aria-label="Letter preview" />
    </main>
  );
}
