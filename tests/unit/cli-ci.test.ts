// `ambient-atlas lint` for CI (DESIGN §4.5b): junit/github formats, --fail-on, .ambient-atlas.yaml, ignore
// globs, inline suppression, versions (§4.5a). In-process through the command's run() with a fake io.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import sax from 'sax';
import { parse as parseYaml } from 'yaml';
import { lintCli } from './lint-cli-harness.ts';
import type { Finding, LintResult } from '../../src/lib/validator/index.ts';
import { formatGithub, formatJunit } from '../../src/lib/validator/index.ts';
import { escapeData, escapeProperty } from '../../src/lib/validator/format-github.ts';
import { xmlText } from '../../src/lib/validator/format-junit.ts';
import { compileGlob } from '../../src/lib/validator/glob.ts';
import { parseConfig } from '../../src/lib/validator/config.ts';

const L7 = (name: string, annotation?: string) =>
  [
    'apiVersion: security.istio.io/v1',
    'kind: AuthorizationPolicy',
    'metadata:',
    `  name: ${name}`,
    '  namespace: shop',
    ...(annotation ? ['  annotations:', `    ambient-atlas.dev/ignore: ${annotation}`] : []),
    'spec:',
    '  selector: {matchLabels: {app: cart}}',
    '  rules: [{to: [{operation: {methods: ["GET"]}}]}]',
    '',
  ].join('\n');
/** A warning only (trust-domains-dropped next to namespaces). */
const WARN = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: partner, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  rules: [{from: [{source: {namespaces: [shop], trustDomains: [partner.example]}}]}]
`;
const OK = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cli-ci-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const cli = lintCli;

interface El {
  name: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
}

/**
 * Strict XML parse (sax, already in the tree through Astro's svgo and Starlight's sitemap): throws on anything not
 * well-formed, so a formatter bug cannot pass as text that merely looks like XML.
 */
function parseXml(text: string): El {
  const parser = sax.parser(true, {});
  const root: El = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: El[] = [root];
  parser.onerror = (e) => {
    throw e;
  };
  parser.onopentag = (t) => {
    const el: El = { name: t.name, attrs: t.attributes as Record<string, string>, children: [], text: '' };
    stack.at(-1)!.children.push(el);
    stack.push(el);
  };
  parser.onclosetag = () => void stack.pop();
  parser.ontext = (t) => void (stack.at(-1)!.text += t);
  parser.write(text).close();
  expect(root.children).toHaveLength(1);
  return root.children[0]!;
}
const kids = (el: El, name: string): El[] => el.children.filter((c) => c.name === name);

describe('--format github', () => {
  it('one workflow command per finding, severities mapped, positions and rule title', async () => {
    const dir = tree({ 'm/a.yaml': L7('p'), 'm/b.yaml': WARN });
    const r = await cli(['--format', 'github', '--fail-on', 'never', 'm'], dir);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^::error file=m\/a\.yaml,line=\d+,col=\d+(,endColumn=\d+)?,title=l7-policy-on-ztunnel::AuthorizationPolicy shop\/p: /,
    );
    expect(lines[1]).toMatch(/^::warning file=m\/b\.yaml,line=6,col=\d+.*,title=trust-domains-dropped::/);
    // The last line is plain log text, not a command.
    expect(lines.at(-1)).toMatch(/^ambient-atlas: 1 error\(s\), 1 warning\(s\)/);
    for (const l of lines.slice(0, -1)) expect(l).not.toMatch(/[\r]/);
  });
  it('errors come first (GitHub shows only the first 10 of each level per step), file order within a level', async () => {
    const dir = tree({ 'm/a.yaml': WARN, 'm/b.yaml': L7('p'), 'm/c.yaml': L7('q') });
    const lines = (await cli(['--format', 'github', 'm'], dir)).out.trimEnd().split('\n');
    expect(lines.map((l) => /^::(\w+) file=([^,]+)/.exec(l)?.slice(1, 3).join(' '))).toEqual([
      'error m/b.yaml',
      'error m/c.yaml',
      'warning m/a.yaml',
      undefined,
    ]);
  });
  it('info is a notice; stdin findings carry no file', () => {
    const f: Finding = {
      rule: 'x-rule',
      severity: 'info',
      message: 'm',
      file: '-',
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 2,
      path: '',
      docs: '/validator/rules/x-rule/',
    };
    const out = formatGithub({ version: 1, resources: 1, summary: { error: 0, warning: 0, info: 1 }, findings: [f] });
    expect(out.split('\n')[0]).toBe('::notice title=x-rule::m%0ADocs: /validator/rules/x-rule/');
  });
  it('hostile text cannot end the line, inject a command or break a property', () => {
    expect(escapeData('100% done\r\n::error::x')).toBe('100%25 done%0D%0A::error::x');
    expect(escapeProperty('a,b:c%\n')).toBe('a%2Cb%3Ac%25%0A');
    const f: Finding = {
      rule: 'r',
      severity: 'error',
      message: 'line one\n::add-mask::secret\r\n%0A',
      file: 'we,ird:name%.yaml',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 1,
      path: '',
      docs: '/d/',
    };
    const out = formatGithub({ version: 1, resources: 1, summary: { error: 1, warning: 0, info: 0 }, findings: [f] });
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      '::error file=we%2Cird%3Aname%25.yaml,line=1,col=1,title=r::line one%0A::add-mask::secret%0D%0A%250A%0ADocs: /d/',
    );
  });
});

describe('--format junit', () => {
  it('valid XML: a testsuite per file, a testcase per finding, clean files pass, failures follow --fail-on', async () => {
    const dir = tree({ 'm/a.yaml': L7('p'), 'm/b.yaml': WARN, 'm/c.yaml': OK });
    const r = await cli(['--format', 'junit', 'm'], dir);
    expect(r.code).toBe(1);
    const doc = parseXml(r.out);
    expect(doc.name).toBe('testsuites');
    const suites = kids(doc, 'testsuite');
    expect(suites.map((x) => x.attrs.name)).toEqual(['m/a.yaml', 'm/b.yaml', 'm/c.yaml']);
    expect(doc.attrs.failures).toBe('1');
    expect(doc.attrs.tests).toBe('3');
    const failing = kids(suites[0]!, 'testcase')[0]!;
    expect(failing.attrs.name).toMatch(/^l7-policy-on-ztunnel AuthorizationPolicy shop\/p \(line \d+\)$/);
    expect(failing.attrs.classname).toBe('m/a.yaml');
    const failure = kids(failing, 'failure')[0]!;
    expect(failure.attrs.type).toBe('error');
    expect(failure.text).toMatch(/^m\/a\.yaml:\d+:\d+ error l7-policy-on-ztunnel/);
    // A warning under --fail-on error passes, with the finding as output.
    const passing = kids(suites[1]!, 'testcase')[0]!;
    expect(kids(passing, 'failure')).toEqual([]);
    expect(kids(passing, 'system-out')[0]!.text).toContain('trust-domains-dropped');
    expect(kids(suites[2]!, 'testcase').map((c) => c.attrs)).toEqual([
      { name: 'no findings', classname: 'm/c.yaml', time: '0' },
    ]);
    const strict = parseXml((await cli(['--format', 'junit', '--fail-on', 'warning', 'm'], dir)).out);
    expect(strict.attrs.failures).toBe('2');
  });
  it('hostile text: markup escaped, characters XML 1.0 forbids dropped, still parses', () => {
    expect(xmlText('<a href="x">&\'</a>', true)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
    expect(xmlText('a\u0000b\u0008c\u001bd\ufffee\ud800f\u{1f600}\tg\n')).toBe('abcdef\u{1f600}\tg\n');
    expect(xmlText('x\ny', true)).toBe('x&#10;y');
    const f: Finding = {
      rule: 'r',
      severity: 'error',
      message: ']]></failure></testcase><evil a="1"/>\u0000\u0007 & "q"',
      file: 'a"<b>&.yaml',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 1,
      path: '',
      resource: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'n', name: '<x>' },
      docs: '/d/',
    };
    const out = formatJunit({ version: 1, resources: 1, summary: { error: 1, warning: 0, info: 0 }, findings: [f] });
    const doc = parseXml(out);
    const suite = kids(doc, 'testsuite')[0]!;
    expect(suite.attrs.name).toBe('a"<b>&.yaml');
    const testcase = kids(suite, 'testcase')[0]!;
    expect(testcase.attrs.name).toBe('r ConfigMap n/<x> (line 1)');
    expect(kids(testcase, 'failure')[0]!.attrs.message).toBe(']]></failure></testcase><evil a="1"/> & "q"');
    expect(out).not.toContain('<evil');
    // eslint-disable-next-line no-control-regex -- the point is that none of these reach the XML
    expect(out).not.toMatch(/[\u0000-\u0008]/);
  });
  it('no input at all still gives one passing suite', () => {
    const out = formatJunit({ version: 1, resources: 0, summary: { error: 0, warning: 0, info: 0 }, findings: [] });
    expect(parseXml(out).attrs.tests).toBe('1');
  });
});

describe('--fail-on', () => {
  const dir = tree({ 'err.yaml': L7('p'), 'warn.yaml': WARN, 'ok.yaml': OK });
  const cases: [string, string, number][] = [
    ['error', 'err.yaml', 1],
    ['error', 'warn.yaml', 0],
    ['warning', 'warn.yaml', 1],
    ['warning', 'err.yaml', 1],
    ['info', 'warn.yaml', 1],
    ['info', 'ok.yaml', 0],
    ['never', 'err.yaml', 0],
  ];
  for (const [level, file, code] of cases)
    it(`--fail-on ${level} on ${file} exits ${code}`, async () => {
      expect((await cli(['--fail-on', level, '--format', 'json', file], dir)).code).toBe(code);
    });
  it('default is error; an unknown level is a usage error listing the levels', async () => {
    expect((await cli(['warn.yaml'], dir)).code).toBe(0);
    expect((await cli(['err.yaml'], dir)).code).toBe(1);
    const bad = await cli(['--fail-on', 'critical', 'err.yaml'], dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('error, warning, info, never');
  });
  it('an unknown --format lists the formats', async () => {
    const bad = await cli(['--format', 'xml', 'ok.yaml'], dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/text, json, sarif, junit, github/);
  });
});

describe('versions (§4.5a) in lint JSON', () => {
  const dir = tree({ 'ok.yaml': OK });
  it('defaults 1.31 / 1.6; --istio 1.30 brings Gateway API 1.5; flags override each other key', async () => {
    const d = JSON.parse((await cli(['-o', 'json', 'ok.yaml'], dir)).out);
    expect([d.istio, d.gatewayApi]).toEqual(['1.31', '1.6']);
    const o = JSON.parse((await cli(['-o', 'json', '--istio', '1.30', 'ok.yaml'], dir)).out);
    expect([o.istio, o.gatewayApi]).toEqual(['1.30', '1.5']);
    const m = JSON.parse((await cli(['-o', 'json', '--istio', '1.30', '--gateway-api', '1.6', 'ok.yaml'], dir)).out);
    expect([m.istio, m.gatewayApi]).toEqual(['1.30', '1.6']);
    expect(Object.keys(d)).toEqual(['version', 'istio', 'gatewayApi', 'resources', 'summary', 'findings']);
  });
  it('an unknown version is a usage error listing the known ones', async () => {
    const i = await cli(['--istio', '1.29', 'ok.yaml'], dir);
    expect(i.code).toBe(2);
    expect(i.err).toMatch(/--istio.*1\.30, 1\.31/);
    const g = await cli(['--gateway-api', '2', 'ok.yaml'], dir);
    expect(g.code).toBe(2);
    expect(g.err).toMatch(/--gateway-api.*1\.5, 1\.6/);
  });
});

describe('.ambient-atlas.yaml', () => {
  it('is found upwards from the working directory; rules change levels or turn rules off; versions echo', async () => {
    const dir = tree({
      '.ambient-atlas.yaml': 'istio: 1.30\nrules:\n  l7-policy-on-ztunnel: warning\n  trust-domains-dropped: off\n',
      'repo/deep/er/a.yaml': L7('p'),
      'repo/deep/er/b.yaml': WARN,
    });
    const r = await cli(['-o', 'json', '.'], join(dir, 'repo', 'deep', 'er'));
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.istio).toBe('1.30');
    expect(j.gatewayApi).toBe('1.5');
    expect(j.findings.map((f: Finding) => [f.rule, f.severity])).toEqual([['l7-policy-on-ztunnel', 'warning']]);
    expect(j.summary).toEqual({ error: 0, warning: 1, info: 0, suppressed: 0 });
    // The nearest file wins: a closer config turns the rule back to error.
    writeFileSync(join(dir, 'repo', '.ambient-atlas.yaml'), 'rules: {}\n');
    const near = JSON.parse((await cli(['-o', 'json', '.'], join(dir, 'repo', 'deep', 'er'))).out);
    expect(near.findings.map((f: Finding) => f.rule).sort()).toEqual(['l7-policy-on-ztunnel', 'trust-domains-dropped']);
    expect(near.istio).toBe('1.31');
  });
  it('--config FILE is used instead of discovery; a missing one is a usage error', async () => {
    const dir = tree({ 'cfg/strict.yaml': 'rules: {trust-domains-dropped: error}\n', 'b.yaml': WARN });
    const r = await cli(['-o', 'json', '--config', 'cfg/strict.yaml', 'b.yaml'], dir);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).summary.error).toBe(1);
    const missing = await cli(['--config', 'nope.yaml', 'b.yaml'], dir);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('nope.yaml');
  });
  const bad: [string, string, RegExp][] = [
    ['unknown top-level key', 'istoi: 1.31\n', /"istoi": unknown key \(did you mean istio\?\)/],
    [
      'unknown rule id, with close matches',
      'rules:\n  l7-policy-on-ztunel: off\n',
      /rules\.l7-policy-on-ztunel: unknown rule id \(did you mean l7-policy-on-ztunnel/,
    ],
    ['bad level', 'rules:\n  schema: fatal\n', /rules\.schema: must be one of off, error, warning, info/],
    ['bad Istio version', 'istio: "1.29"\n', /istio: must be one of 1\.30, 1\.31/],
    ['bad Gateway API version', 'gatewayApi: 1.4\n', /gatewayApi: must be one of 1\.5, 1\.6/],
    ['ignore not a list', 'ignore: charts/**\n', /ignore: must be a list of globs/],
    ['ignore entry not a string', 'ignore: [1]\n', /ignore\[0\]: must be a glob/],
    ['not a mapping', '- a\n', /must be a mapping/],
    ['not YAML', 'rules: [\n', /not valid YAML/],
  ];
  for (const [what, text, message] of bad)
    it(`bad config (${what}) is exit 2 naming the key`, async () => {
      const dir = tree({ '.ambient-atlas.yaml': text, 'ok.yaml': OK });
      const r = await cli(['ok.yaml'], dir);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).toContain('.ambient-atlas.yaml');
      expect(r.out).toBe('');
    });
  it('every bad key of a config is named in one run', () => {
    const r = parseConfig(
      'istoi: 1\nistio: 1.29\ngatewayApi: 2\nrules:\n  l7-policy-on-ztunel: off\n  schema: fatal\n',
    );
    expect(r.ok).toBe(false);
    const errors = r.ok ? [] : r.errors;
    expect(errors).toHaveLength(5);
    for (const key of ['istoi', 'istio:', 'gatewayApi:', 'rules.l7-policy-on-ztunel:', 'rules.schema:'])
      expect(errors.some((e) => e.includes(key))).toBe(true);
  });
  it('a config with thousands of bad keys (as many as 64 KiB hold) answers quickly with a screenful of errors', () => {
    const keys = Array.from({ length: 2300 }, (_, i) => `  no-such-rule-${i}: off`).join('\n');
    const text = `rules:\n${keys}\n${Array.from({ length: 800 }, (_, i) => `k${i}: 1`).join('\n')}\n`;
    expect(text.length).toBeLessThan(64 * 1024);
    const t0 = performance.now();
    const r = parseConfig(text);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(r.ok ? [] : r.errors).toHaveLength(21);
  });
  it('a repeated key is named; a bigger file than 64 KiB is refused unread', async () => {
    expect(parseConfig('rules:\n  schema: off\n  schema: error\n')).toEqual({
      ok: false,
      errors: ['rules.schema: the key is given twice'],
    });
    const dir = tree({ '.ambient-atlas.yaml': `# ${'x'.repeat(70 * 1024)}\n`, 'ok.yaml': OK });
    const r = await cli(['ok.yaml'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('over 64 KiB');
  });
  it('an empty config file is no settings; a prototype key is an unknown rule, not a crash', () => {
    expect(parseConfig('')).toEqual({ ok: true, config: { rules: {}, ignore: [] } });
    const r = parseConfig('rules:\n  __proto__: off\n  constructor: off\n');
    expect(r.ok).toBe(false);
  });
  it('ignore globs skip input files relative to the config directory, also when named explicitly', async () => {
    const dir = tree({
      '.ambient-atlas.yaml': 'ignore: ["charts/**", "*.generated.yaml", "legacy/old?.yaml"]\n',
      'charts/x/a.yaml': L7('a'),
      'src/b.generated.yaml': L7('b'),
      'legacy/old1.yaml': L7('c'),
      'legacy/old10.yaml': L7('d'),
      'src/ok.yaml': OK,
    });
    const r = JSON.parse((await cli(['-o', 'json', '--fail-on', 'never', '.'], dir)).out);
    expect(r.resources).toBe(2);
    expect(r.findings.map((f: Finding) => f.file)).toEqual(['legacy/old10.yaml']);
    // Relative to the config file, not the working directory.
    const sub = JSON.parse((await cli(['-o', 'json', 'x/a.yaml', '../src/b.generated.yaml'], join(dir, 'charts'))).out);
    expect(sub.resources).toBe(0);
  });
});

describe('glob matcher', () => {
  const m = (p: string, path: string) => compileGlob(p).matches(path);
  it('*, **, ?, anchoring, directories', () => {
    expect(m('*.yaml', 'a/b/c.yaml')).toBe(true);
    expect(m('a/*.yaml', 'a/b/c.yaml')).toBe(false);
    expect(m('a/**/c.yaml', 'a/c.yaml')).toBe(true);
    expect(m('a/**/c.yaml', 'a/b/x/c.yaml')).toBe(true);
    expect(m('a/**', 'a/b/c.yaml')).toBe(true);
    expect(m('**/c.yaml', 'c.yaml')).toBe(true);
    expect(m('a/b', 'a/b/c.yaml')).toBe(true);
    expect(m('vendor/', 'x/vendor/y.yaml')).toBe(true);
    expect(m('./a/?.yaml', 'a/1.yaml')).toBe(true);
    expect(m('a/?.yaml', 'a/12.yaml')).toBe(false);
    expect(m('a\\*b', 'a*b')).toBe(true);
    expect(m('a\\*b', 'axb')).toBe(false);
    expect(m('[ab].yaml', 'a.yaml')).toBe(false);
    expect(m('[ab].yaml', '[ab].yaml')).toBe(true);
  });
  it('is linear: a pattern that backtracks exponentially in naive matchers answers at once', () => {
    const p = `${'*a'.repeat(40)}b`;
    const path = 'a'.repeat(5000);
    const t0 = performance.now();
    expect(m(p, path)).toBe(false);
    expect(m('**/'.repeat(50) + 'x', `${'d/'.repeat(2000)}y`)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('inline suppression', () => {
  it('leaves suppressed findings out of findings and counts them in summary.suppressed', async () => {
    const dir = tree({
      'a.yaml': `${L7('kept')}---\n${L7('quiet', '"l7-policy-on-ztunnel -- waypoint arrives in Q3"')}`,
    });
    const r = await cli(['-o', 'json', 'a.yaml'], dir);
    const j = JSON.parse(r.out);
    expect(j.findings.map((f: Finding) => f.resource?.name)).toEqual(['kept']);
    expect(j.summary).toEqual({ error: 1, warning: 0, info: 0, suppressed: 1 });
    expect(j.suppressed).toBeUndefined();
  });
  it('a suppression without a reason is itself a finding and suppresses nothing', async () => {
    const dir = tree({ 'a.yaml': L7('quiet', '"l7-policy-on-ztunnel"') });
    const j = JSON.parse((await cli(['-o', 'json', 'a.yaml'], dir)).out);
    expect(j.findings.map((f: Finding) => f.rule).sort()).toEqual([
      'ignore-annotation-invalid',
      'l7-policy-on-ztunnel',
    ]);
    expect(j.summary.suppressed).toBe(0);
  });
  it('suppressing everything leaves exit 0 under --fail-on error', async () => {
    const dir = tree({ 'a.yaml': L7('quiet', '"l7-policy-on-ztunnel -- accepted risk, ticket SEC-12"') });
    expect((await cli(['a.yaml'], dir)).code).toBe(0);
  });
  it('--show-suppressed lists them with the reason (json, text, junit)', async () => {
    const dir = tree({ 'a.yaml': L7('quiet', '"l7-policy-on-ztunnel -- waypoint arrives in Q3"') });
    const j = JSON.parse((await cli(['-o', 'json', '--show-suppressed', 'a.yaml'], dir)).out) as LintResult;
    expect(j.findings).toEqual([]);
    expect(j.suppressed).toHaveLength(1);
    expect(j.suppressed![0]).toMatchObject({
      rule: 'l7-policy-on-ztunnel',
      reason: 'waypoint arrives in Q3',
      file: 'a.yaml',
    });
    const t = await cli(['--show-suppressed', 'a.yaml'], dir);
    expect(t.out).toMatch(
      /Suppressed \(1\):\na\.yaml:\d+:\d+ error l7-policy-on-ztunnel AuthorizationPolicy shop\/quiet\n.*\n {2}reason: waypoint arrives in Q3/,
    );
    expect((await cli(['a.yaml'], dir)).out).toContain('1 suppressed by annotation (--show-suppressed lists them).');
    const x = parseXml((await cli(['-o', 'junit', '--show-suppressed', 'a.yaml'], dir)).out);
    expect(x.attrs.skipped).toBe('1');
    const c = kids(kids(x, 'testsuite')[0]!, 'testcase')[0]!;
    expect(kids(c, 'skipped')[0]!.attrs.message).toBe('suppressed: waypoint arrives in Q3');
  });
  it('sarif: versions as run properties; --show-suppressed adds results with SARIF suppressions', async () => {
    const dir = tree({
      'a.yaml': `${L7('kept')}---\n${L7('quiet', '"l7-policy-on-ztunnel -- waypoint arrives in Q3"')}`,
    });
    const plain = JSON.parse((await cli(['-o', 'sarif', 'a.yaml'], dir)).out);
    expect(plain.runs[0].properties).toEqual({ istio: '1.31', gatewayApi: '1.6' });
    expect(plain.runs[0].results).toHaveLength(1);
    const all = JSON.parse((await cli(['-o', 'sarif', '--show-suppressed', 'a.yaml'], dir)).out);
    expect(all.runs[0].results).toHaveLength(2);
    expect(all.runs[0].results[0].suppressions).toBeUndefined();
    expect(all.runs[0].results[1].suppressions).toEqual([
      { kind: 'inSource', justification: 'waypoint arrives in Q3' },
    ]);
  });
  it('only the annotated resource is affected, and only for the named rules', async () => {
    const dir = tree({
      'a.yaml': `${L7('quiet', '"schema -- not this rule"')}---\n${L7('other')}`,
    });
    const j = JSON.parse((await cli(['-o', 'json', 'a.yaml'], dir)).out);
    expect(j.findings.map((f: Finding) => f.resource?.name)).toEqual(['quiet', 'other']);
    expect(j.summary.suppressed).toBe(0);
  });
  it('a rule turned off by config is gone, not suppressed', async () => {
    const dir = tree({
      '.ambient-atlas.yaml': 'rules: {l7-policy-on-ztunnel: off}\n',
      'a.yaml': L7('quiet', '"l7-policy-on-ztunnel -- covered"'),
    });
    const j = JSON.parse((await cli(['-o', 'json', 'a.yaml'], dir)).out);
    expect(j.summary).toEqual({ error: 0, warning: 0, info: 0, suppressed: 0 });
  });
});

// The exact command lines of action.yml and .pre-commit-hooks.yaml, run with the repository's CLI in a temp dir.
describe('CI integration files run as written', () => {
  const REPO = join(import.meta.dirname, '../..');
  const CLI = `${process.execPath} ${join(REPO, 'bin/ambient-atlas.mjs')}`;
  interface Step {
    id?: string;
    name?: string;
    if?: string;
    run?: string;
    uses?: string;
    env?: Record<string, string>;
    with?: Record<string, string>;
  }
  const action = parseYaml(readFileSync(join(REPO, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
    runs: { using: string; steps: Step[] };
  };
  const hooks = parseYaml(readFileSync(join(REPO, '.pre-commit-hooks.yaml'), 'utf8')) as {
    id: string;
    entry: string;
    args?: string[];
    pass_filenames?: boolean;
    language: string;
    files: string;
  }[];

  /** `${{ inputs.x }}` and `${{ steps.install.outputs.cli }}` as the runner would expand them in `env:`. */
  function expand(value: string, inputs: Record<string, string>): string {
    return value.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
      if (expr === 'steps.install.outputs.cli') return CLI;
      const m = /^inputs\.([\w-]+)$/.exec(expr);
      if (!m) throw new Error(`unexpected expression ${expr}`);
      return inputs[m[1]!] ?? '';
    });
  }

  function runLintStep(cwd: string, given: Record<string, string>) {
    const step = action.runs.steps.find((s) => s.id === 'lint')!;
    const inputs: Record<string, string> = {};
    for (const [k, v] of Object.entries(action.inputs)) inputs[k] = v.default ?? '';
    Object.assign(inputs, given);
    const out = join(mkdtempSync(join(tmpdir(), 'gh-out-')), 'output');
    writeFileSync(out, '');
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      GITHUB_OUTPUT: out,
    };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expand(v, inputs);
    // As the runner does for `shell: bash`: bash --noprofile --norc -eo pipefail.
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
      cwd,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    const outputs = Object.fromEntries(
      readFileSync(out, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, outputs };
  }

  it('action.yml: a composite action whose steps set up Node, lint, upload SARIF and fail on findings', () => {
    expect(action.runs.using).toBe('composite');
    const steps = action.runs.steps;
    expect(steps[0]!.uses).toMatch(/^actions\/setup-node@/);
    expect(steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))?.if).toContain(
      "inputs.format == 'sarif'",
    );
    const fail = steps.at(-1)!;
    expect(fail.if).toContain("steps.lint.outputs.exit-code == '1'");
    expect(fail.run).toContain('exit 1');
    for (const k of ['paths', 'format', 'fail-on', 'config']) expect(action.inputs[k]).toBeDefined();
    // Inputs reach scripts through env only.
    for (const s of steps) expect(s.run ?? '').not.toMatch(/\$\{\{/);
  });

  it('action lint step, format github: annotations in the log, exit-code 1 recorded, the step itself passes', () => {
    const dir = tree({ 'k8s/a.yaml': L7('p'), 'k8s/b.yaml': OK });
    const r = runLintStep(dir, { paths: 'k8s' });
    expect(r.code).toBe(0);
    expect(r.outputs['exit-code']).toBe('1');
    expect(r.outputs.report).toBe('');
    expect(r.stdout).toMatch(/^::error file=k8s\/a\.yaml,line=\d+,col=\d+.*title=l7-policy-on-ztunnel::/m);
  });

  it('action lint step, format sarif: SARIF written to the report file; several paths; a clean run is exit-code 0', () => {
    const dir = tree({ 'k8s/a.yaml': L7('p'), 'more/b.yaml': OK });
    const r = runLintStep(dir, { paths: 'k8s\nmore', format: 'sarif' });
    expect(r.code).toBe(0);
    expect(r.outputs).toMatchObject({ 'exit-code': '1', report: 'ambient-atlas.sarif' });
    const sarif = JSON.parse(readFileSync(join(dir, 'ambient-atlas.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results[0].ruleId).toBe('l7-policy-on-ztunnel');
    const clean = runLintStep(dir, { paths: 'more', format: 'junit', 'output-file': 'reports/lint.xml' });
    expect(clean.outputs['exit-code']).toBe('0');
    expect(parseXml(readFileSync(join(dir, 'reports/lint.xml'), 'utf8')).attrs.failures).toBe('0');
  });

  it('action lint step: fail-on never records 0; a bad config fails the step with exit 2', () => {
    const dir = tree({ 'k8s/a.yaml': L7('p') });
    expect(runLintStep(dir, { paths: 'k8s', 'fail-on': 'never' }).outputs['exit-code']).toBe('0');
    writeFileSync(join(dir, '.ambient-atlas.yaml'), 'rulez: {}\n');
    const bad = runLintStep(dir, { paths: 'k8s' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"rulez": unknown key');
  });

  it('a path input cannot inject shell code', () => {
    const dir = tree({ 'k8s/a.yaml': OK });
    const r = runLintStep(dir, { paths: 'k8s $(touch pwned) `touch pwned2` ;touch pwned3' });
    expect(r.code).toBe(2); // the odd words are missing files, nothing more
    for (const f of ['pwned', 'pwned2', 'pwned3']) expect(existsSync(join(dir, f))).toBe(false);
  });

  const runHook = (id: string, cwd: string, files: string[] = []) => {
    const hook = hooks.find((h) => h.id === id)!;
    expect(hook.language).toBe('node');
    const words = hook.entry.split(/\s+/);
    expect(words[0]).toBe('ambient-atlas');
    const argv = [
      join(REPO, 'bin/ambient-atlas.mjs'),
      ...words.slice(1),
      ...(hook.args ?? []),
      ...(hook.pass_filenames === false ? [] : files),
    ];
    return spawnSync(process.execPath, argv, { cwd, encoding: 'utf8', timeout: 60_000 });
  };

  it('pre-commit hook (whole repository): exit 1 on an error finding, 0 when clean, skips the config file', () => {
    const dir = tree({
      'deploy/a.yaml': L7('p'),
      '.ambient-atlas.yaml': 'ignore: [vendor/]\n',
      'vendor/x.yaml': L7('v'),
    });
    const r = runHook('ambient-atlas-lint', dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^deploy\/a\.yaml:\d+:\d+ error l7-policy-on-ztunnel/m);
    expect(r.stdout).not.toContain('vendor/');
    writeFileSync(join(dir, 'deploy/a.yaml'), OK);
    expect(runHook('ambient-atlas-lint', dir).status).toBe(0);
    expect(new RegExp(hooks[0]!.files).test('deploy/a.yml')).toBe(true);
  });

  it('pre-commit hook (staged files): the file names pre-commit passes are linted', () => {
    const dir = tree({ 'a.yaml': L7('p'), 'b.yaml': OK });
    expect(runHook('ambient-atlas-lint-files', dir, ['b.yaml']).status).toBe(0);
    expect(runHook('ambient-atlas-lint-files', dir, ['a.yaml', 'b.yaml']).status).toBe(1);
  });
});
