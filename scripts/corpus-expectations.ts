// Refresh tests/corpus/real-corpus.expected.yaml from what the validator says now, keeping every evidence line
// already written; a finding nobody has judged yet gets an empty evidence, which tests/unit/real-corpus.test.ts
// rejects. Prints what appeared and what went away. Run: node scripts/corpus-expectations.ts
import { writeFileSync } from 'node:fs';
import {
  EXPECTATIONS_FILE,
  corpusFiles,
  corpusPresent,
  identity,
  lintCorpusFile,
  readExpectations,
  writeExpectations,
  type Expectations,
} from '../tests/corpus/real-corpus.ts';

if (!corpusPresent()) {
  console.error('corpus-expectations: ../shared/real-corpus not found');
  process.exit(2);
}
const old = readExpectations();
const next: Expectations = {};
let added = 0;
let removed = 0;
for (const { file } of corpusFiles()) {
  const evidence = new Map((old[file] ?? []).map((f) => [identity(f), f.evidence]));
  const { findings } = lintCorpusFile(file);
  next[file] = findings.map((f) => {
    const e = evidence.get(identity(f));
    if (e === undefined) {
      added++;
      console.log(`+ ${file}: ${identity(f)}`);
    }
    return { ...f, evidence: e ?? '' };
  });
  const now = new Set(findings.map(identity));
  for (const id of evidence.keys())
    if (!now.has(id)) {
      removed++;
      console.log(`- ${file}: ${id}`);
    }
}
writeFileSync(EXPECTATIONS_FILE, writeExpectations(next));
console.log(`corpus-expectations: ${added} new (evidence to write), ${removed} gone`);
