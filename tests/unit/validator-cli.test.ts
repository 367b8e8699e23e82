// `ambient-atlas lint` (DESIGN §4.2): formats, exit codes, directories, stdin, paths relative to cwd.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintCli } from './lint-cli-harness.ts';
import { RULES } from '../../src/lib/validator/index.ts';

const L7 =
  'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n  selector: {matchLabels: {app: a}}\n  rules: [{to: [{operation: {methods: [GET]}}]}]\n';
const OK = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'lint-cli-'));
  mkdirSync(join(dir, 'm', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'm', 'b.yaml'), L7);
  writeFileSync(join(dir, 'm', 'a.yml'), OK);
  writeFileSync(join(dir, 'm', 'sub', 'c.yaml'), OK);
  writeFileSync(join(dir, 'm', 'notes.txt'), 'not yaml: [');
  return dir;
}

const cli = lintCli;

describe('ambient-atlas lint', () => {
  it('json: contract shape, exit 1 with errors, paths relative to cwd, directories recursive and sorted', async () => {
    const dir = setup();
    const r = await cli(['--format', 'json', 'm'], dir);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.version).toBe(1);
    expect(j.resources).toBe(3);
    expect(j.summary).toEqual({ error: 1, warning: 0, info: 0, suppressed: 0 });
    expect(j.findings).toHaveLength(1);
    const f = j.findings[0];
    expect(Object.keys(f).sort()).toEqual(
      [
        'column',
        'docs',
        'endColumn',
        'endLine',
        'file',
        'fix',
        'line',
        'message',
        'path',
        'resource',
        'rule',
        'severity',
      ].sort(),
    );
    expect(f).toMatchObject({
      rule: 'l7-policy-on-ztunnel',
      severity: 'error',
      file: 'm/b.yaml',
      line: 6,
      path: 'spec.rules[0].to[0].operation.methods',
      docs: '/validator/rules/l7-policy-on-ztunnel/',
    });
    expect(f.resource).toEqual({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      namespace: 'shop',
      name: 'p',
    });
  });
  it('exit 0 without error findings', async () => {
    const dir = setup();
    expect((await cli(['--format', 'json', 'm/a.yml', 'm/sub'], dir)).code).toBe(0);
  });
  it('stdin with -', async () => {
    const r = await cli(['--format', 'json', '-'], setup(), L7);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).findings[0].file).toBe('-');
  });
  it('missing file: exit 2 and a message naming it', async () => {
    const r = await cli(['nope.yaml'], setup());
    expect(r.code).toBe(2);
    expect(r.err).toContain('nope.yaml');
    expect(r.out).toBe('');
  });
  it('usage errors: no input, bad format, unknown flag', async () => {
    const dir = setup();
    expect((await cli([], dir)).code).toBe(2);
    expect((await cli(['--format', 'xml', 'm'], dir)).code).toBe(2);
    expect((await cli(['--frmat', 'json', 'm'], dir)).code).toBe(2);
  });
  it('text: one block per finding and a summary line', async () => {
    const r = await cli(['m/b.yaml'], setup());
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^m\/b\.yaml:6:\d+ error l7-policy-on-ztunnel AuthorizationPolicy shop\/p$/m);
    expect(r.out).toMatch(/1 error, 0 warnings, 0 info in 1 resource\.\n$/);
    expect(r.out).not.toContain('\u001b[');
  });
  it('sarif: 2.1.0 with driver rules from the registry and located results', async () => {
    const r = await cli(['--format', 'sarif', 'm'], setup());
    expect(r.code).toBe(1);
    const s = JSON.parse(r.out);
    expect(s.version).toBe('2.1.0');
    const run0 = s.runs[0];
    expect(run0.tool.driver.name).toBe('ambient-atlas');
    expect(run0.tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(RULES.map((x) => x.meta.id));
    for (const rule of run0.tool.driver.rules) {
      expect(rule.shortDescription.text.length).toBeGreaterThan(0);
      expect(['error', 'warning', 'note']).toContain(rule.defaultConfiguration.level);
    }
    expect(run0.results).toHaveLength(1);
    const res = run0.results[0];
    expect(res.ruleId).toBe('l7-policy-on-ztunnel');
    expect(run0.tool.driver.rules[res.ruleIndex].id).toBe('l7-policy-on-ztunnel');
    expect(res.level).toBe('error');
    expect(res.locations[0].physicalLocation.artifactLocation.uri).toBe('m/b.yaml');
    expect(res.locations[0].physicalLocation.region.startLine).toBe(6);
    expect(res.locations[0].physicalLocation.region.startColumn).toBeGreaterThanOrEqual(1);
  });
  it('binary file: a located yaml-syntax finding, exit 1 (not an I/O error)', async () => {
    const dir = setup();
    writeFileSync(join(dir, 'bin.yaml'), new Uint8Array([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
    const r = await cli(['--format', 'json', 'bin.yaml'], dir);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).findings.map((f: { rule: string; line: number }) => [f.rule, f.line])).toEqual([
      ['yaml-syntax', 1],
    ]);
  });
});
