// Issue #14: the validator must be right on real manifests. Each corpus file is linted on its own: no crash, no
// internal-error, and exactly the errors and warnings tests/corpus/real-corpus.expected.yaml keeps, each with
// upstream evidence. Without ../shared (a clone on its own) the test is skipped and says why.
import { describe, expect, it } from 'vitest';
import {
  CORPUS_DIR,
  corpusFiles,
  corpusPresent,
  identity,
  lintCorpusFile,
  readExpectations,
} from '../corpus/real-corpus.ts';

const present = corpusPresent();
if (!present) console.log(`real-corpus: skipped, ${CORPUS_DIR} not found (it lives in ../shared beside the project)`);

describe.skipIf(!present)('real-world corpus (../shared/real-corpus)', () => {
  const files = present ? corpusFiles() : [];
  const expected = readExpectations();

  it('has the corpus and every expectation names a corpus file', () => {
    expect(files.length).toBeGreaterThan(400);
    const names = new Set(files.map((f) => f.file));
    expect(Object.keys(expected).filter((k) => !names.has(k))).toEqual([]);
  });

  it('every kept error or warning carries upstream evidence', () => {
    const missing = Object.entries(expected).flatMap(([file, list]) =>
      list.filter((f) => !f.evidence || f.evidence.trim().length < 10).map((f) => `${file}: ${identity(f)}`),
    );
    expect(missing).toEqual([]);
  });

  it('lints every file alone with no crash and exactly the expected errors and warnings', () => {
    const problems: string[] = [];
    for (const { file } of files) {
      let verdict;
      try {
        verdict = lintCorpusFile(file);
      } catch (err) {
        problems.push(`${file}: lint threw ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      for (const f of verdict.internalErrors) problems.push(`${file}: internal-error ${f.message}`);
      const got = new Set(verdict.findings.map(identity));
      const want = new Set((expected[file] ?? []).map(identity));
      for (const id of got) if (!want.has(id)) problems.push(`${file}: unexpected ${id}`);
      for (const id of want) if (!got.has(id)) problems.push(`${file}: missing ${id}`);
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
