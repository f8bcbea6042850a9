// The rating instruments as the form shows them: item count, answer range and item wording
// (docs/clinic.md "Session file"). Totals and thresholds are the server's; the form adds the
// answered items only to show a running total while typing.

export interface ScaleForm {
  key: string;
  name: string;
  max: number;
  items: string[];
}

const numbered = (n: number, prefix = "Item") => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);

export const scales: ScaleForm[] = [
  {
    key: "gad-7", name: "GAD-7", max: 3, items: [
      "Feeling nervous, anxious or on edge", "Not being able to stop or control worrying", "Worrying too much about different things",
      "Trouble relaxing", "Being so restless that it is hard to sit still", "Becoming easily annoyed or irritable",
      "Feeling afraid as if something awful might happen",
    ],
  },
  {
    key: "ham-a", name: "HAM-A", max: 4, items: [
      "Anxious mood", "Tension", "Fears", "Insomnia", "Intellectual (cognitive)", "Depressed mood", "Somatic (muscular)",
      "Somatic (sensory)", "Cardiovascular symptoms", "Respiratory symptoms", "Gastrointestinal symptoms",
      "Genitourinary symptoms", "Autonomic symptoms", "Behaviour at interview",
    ],
  },
  {
    key: "phq-9", name: "PHQ-9", max: 3, items: [
      "Little interest or pleasure in doing things", "Feeling down, depressed or hopeless", "Trouble with sleep",
      "Feeling tired or having little energy", "Poor appetite or overeating", "Feeling bad about yourself",
      "Trouble concentrating", "Moving or speaking slowly, or being fidgety or restless",
      "Thoughts that you would be better off dead or of hurting yourself",
    ],
  },
  { key: "cadss", name: "CADSS (dissociation)", max: 4, items: numbered(23) },
  { key: "lsas", name: "LSAS", max: 3, items: [...numbered(24, "Fear, situation"), ...numbered(24, "Avoidance, situation")] },
  { key: "fq", name: "FQ (phobia scale)", max: 8, items: numbered(15) },
];

export function scaleOf(key: string): ScaleForm {
  const s = scales.find((x) => x.key === key);
  if (!s) throw new Error(`unknown scale ${key}`);
  return s;
}
