import { labelFixtures, drawLabelPdf } from "./scripts/bench/label-blocks";
import { scoreFields, parsedPdf } from "./scripts/bench/label-scoring";
const fx = await labelFixtures();
const tally: Record<string, number> = {};
for (const f of fx) {
  const parsed = await parsedPdf(await drawLabelPdf(f), f.id);
  for (const field of f.fields) for (const s of await scoreFields([field], parsed)) {
    tally[s.outcome] = (tally[s.outcome] ?? 0) + 1;
    if (s.outcome !== "correct") console.log(f.id, s.field, s.outcome, JSON.stringify(s.value), JSON.stringify(s.expected));
  }
}
console.log(tally);
