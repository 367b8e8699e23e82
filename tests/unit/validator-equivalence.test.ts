// Findings stay the same while the validator's internals move (issue #16, part 2): every finding (rule, file, line,
// column, path, message, severity) over every site example, every YAML fixture and scenario under tests/, the labs
// and exercises, every rule's own examples, the shared real corpus and two generated meshes, under Istio 1.30 and
// 1.31, hashed per input and Istio line into validator-equivalence.digest.json.
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
const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/**
 * `group/name|istio` → `input hash:finding count:findings hash`. The input's own hash lets the comparison skip
 * a case whose input someone changed or added since the digest was recorded (the other work on the tree edits
 * examples and labs): such a case has no "before" to compare with. Anything else that moves is a changed finding.
 */
function digest(dump: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of cases()) {
    const input = hash(c.inputs.map((i) => `${i.file}\n${String(i.text)}`).join('\n'));
    for (const istio of ISTIO) {
      const lines = lint(c.inputs, { istio }).findings.map(line);
      for (const l of lines) dump.push(`${c.group}/${c.name}|${istio}\t${l}`);
      out[`${c.group}/${c.name}|${istio}`] = `${input}:${lines.length}:${hash(lines.join('\n'))}`;
    }
  }
  return out;
}

const inputOf = (v: string) => v.slice(0, v.indexOf(':'));

describe('validator equivalence (issue #16)', () => {
  it('finds exactly what the recorded digest says for every recorded input', () => {
    const dump: string[] = [];
    const now = digest(dump);
    if (process.env.EQUIVALENCE_DUMP) writeFileSync(process.env.EQUIVALENCE_DUMP, dump.join('\n') + '\n');
    if (process.env.UPDATE_EQUIVALENCE) writeFileSync(DIGEST_FILE, JSON.stringify(now, null, 2) + '\n');
    const recorded = new Map(Object.entries(JSON.parse(readFileSync(DIGEST_FILE, 'utf8')) as Record<string, string>));
    const comparable = [...recorded.keys()].filter(
      (k) => now[k] !== undefined && inputOf(now[k]) === inputOf(recorded.get(k)!),
    );
    const changed = comparable.filter((k) => now[k] !== recorded.get(k));
    expect(changed.map((k) => `${k}: recorded ${recorded.get(k)}, now ${now[k]}`)).toEqual([]);
    // Most of the record is still comparable, and it sees findings of most rules: otherwise it proves little.
    expect(comparable.length).toBeGreaterThan(recorded.size * 0.8);
    const rules = new Set(
      dump.filter((d) => comparable.includes(d.slice(0, d.indexOf('\t')))).map((d) => d.split('\t')[1]),
    );
    expect(rules.size).toBeGreaterThan(30);
  }, 600_000);

  if (!corpusPresent()) it.skip(`real corpus: ${CORPUS_DIR} is absent, so its cases are not compared`, () => {});
});
