// Findings stay the same while the validator's internals move (issue #16, part 2): every finding (rule, file, line,
// column, path, message, severity) over every site example, every YAML fixture and scenario under tests/, the labs
// and exercises, every rule's own examples, the shared real corpus and two generated meshes, under Istio 1.30 and
// 1.31, hashed per input group, Istio line and rule into validator-equivalence.digest.json.
//
// A change that is meant to change findings refreshes the digest on purpose:
//   UPDATE_EQUIVALENCE=1 npx vitest run tests/unit/validator-equivalence.test.ts
// EQUIVALENCE_DUMP=<file> writes every finding as text, to diff two trees when a digest line moves.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../bench/validator.bench.ts';
import { lint, RULES } from '../../src/lib/validator/index.ts';
import type { Finding } from '../../src/lib/validator/index.ts';
import type { SourceInput } from '../../src/lib/model/types.ts';
import { EXAMPLES, exampleInputs } from '../../src/site/examples.ts';
import { CORPUS_DIR, corpusFiles, corpusPresent } from '../corpus/real-corpus.ts';
import { randomMesh } from './validator-equivalence-mesh.ts';

const root = new URL('../../', import.meta.url).pathname;
const DIGEST_FILE = new URL('./validator-equivalence.digest.json', import.meta.url).pathname;
const ISTIO = ['1.30', '1.31'] as const;

function* yamlUnder(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'node_modules' && name !== '.state') yield* yamlUnder(p);
    } else if (/\.ya?ml$/.test(name)) yield p;
  }
}

/** One lint run: the inputs linted together, as the CLI would given these files. */
interface Case {
  readonly group: string;
  readonly name: string;
  readonly inputs: SourceInput[];
}

function cases(): Case[] {
  const out: Case[] = [];
  const file = (group: string, p: string): Case => {
    const rel = relative(root, p);
    return { group, name: rel, inputs: [{ file: rel, text: readFileSync(p, 'utf8') }] };
  };
  for (const ex of [...EXAMPLES.values()].sort((a, b) => (a.name < b.name ? -1 : 1)))
    out.push({ group: 'examples', name: ex.name, inputs: exampleInputs(ex) });
  for (const dir of ['tests', 'labs', 'src/content/exercises'])
    for (const p of yamlUnder(join(root, dir))) out.push(file(/scenarios/.test(p) ? 'scenarios' : 'fixtures', p));
  for (const rule of RULES)
    for (const [kind, list] of Object.entries(rule.meta.examples))
      list.forEach((e, i) =>
        out.push({
          group: 'rule-examples',
          name: `${rule.meta.id}/${kind}/${i}`,
          inputs: [{ file: 'example.yaml', text: e.yaml }],
        }),
      );
  if (corpusPresent()) for (const f of corpusFiles()) out.push(file('corpus', join(CORPUS_DIR, f.file)));
  // The bench's correct mesh (every rule's indexes at scale, no findings) and a seeded mesh of mixed mistakes.
  out.push({ group: 'generated', name: 'bench-mesh', inputs: [{ file: 'bench.yaml', text: generate(4000).text }] });
  out.push({ group: 'generated', name: 'random-mesh', inputs: [{ file: 'random.yaml', text: randomMesh(7, 60) }] });
  out.push({ group: 'generated', name: 'crowded-mesh', inputs: [{ file: 'crowd.yaml', text: randomMesh(11, 4, 80) }] });
  // Every rule example in one mesh: the examples' objects meet each other's references.
  const all = RULES.flatMap((r) => [...r.meta.examples.valid, ...r.meta.examples.invalid].map((e) => e.yaml));
  out.push({
    group: 'generated',
    name: 'all-rule-examples',
    inputs: [{ file: 'all.yaml', text: all.join('\n---\n') }],
  });
  return out;
}

const line = (f: Finding) =>
  `${f.rule}\t${f.severity}\t${f.file}:${f.line}:${f.column}-${f.endLine}:${f.endColumn}\t${f.path}\t${f.message}`;

/** group|istio|rule → `count:sha256` of that rule's finding lines (each prefixed with its case) in run order. */
function digest(dump: string[]): Record<string, string> {
  const byKey = new Map<string, string[]>();
  for (const c of cases())
    for (const istio of ISTIO) {
      for (const f of lint(c.inputs, { istio }).findings) {
        const key = `${c.group}|${istio}|${f.rule}`;
        const text = `${c.name}\t${line(f)}`;
        let list = byKey.get(key);
        if (!list) byKey.set(key, (list = []));
        list.push(text);
        dump.push(`${key}\t${text}`);
      }
    }
  const out: Record<string, string> = {};
  for (const key of [...byKey.keys()].sort()) {
    const list = byKey.get(key)!;
    out[key] = `${list.length}:${createHash('sha256').update(list.join('\n')).digest('hex').slice(0, 20)}`;
  }
  return out;
}

describe('validator equivalence (issue #16)', () => {
  it('finds exactly what the recorded digest says, per input group, Istio line and rule', () => {
    const dump: string[] = [];
    const now = digest(dump);
    if (process.env.EQUIVALENCE_DUMP) writeFileSync(process.env.EQUIVALENCE_DUMP, dump.join('\n') + '\n');
    if (process.env.UPDATE_EQUIVALENCE) writeFileSync(DIGEST_FILE, JSON.stringify(now, null, 2) + '\n');
    const recorded = JSON.parse(readFileSync(DIGEST_FILE, 'utf8')) as Record<string, string>;
    // Without ../shared/real-corpus its lines cannot be checked: they are left out of the comparison, not passed.
    const checked = (k: string) => corpusPresent() || !k.startsWith('corpus|');
    const want = Object.fromEntries(Object.entries(recorded).filter(([k]) => checked(k)));
    expect(now).toEqual(want);
    // The harness sees findings of most rules: a digest of a handful would prove little.
    expect(new Set(Object.keys(now).map((k) => k.split('|')[2])).size).toBeGreaterThan(30);
  }, 600_000);

  if (!corpusPresent()) it.skip(`real corpus: ${CORPUS_DIR} is absent, so its digest lines are not compared`, () => {});
});
