import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAB_DEFINITIONS, LabDefinitionError, parseLabs } from '../../labs/catalog.ts';
import { LABS_DIR, loadLabs } from '../../labs/load.ts';
import { labSchema } from '../../labs/schema.ts';
import type { LabDefinition } from '../../labs/schema.ts';
import { IMAGES } from '../../labs/runner/versions.ts';
import { parseManifests } from '../../src/lib/model/parse.ts';

const labs = loadLabs();

describe('lab definitions', () => {
  it('has at least five labs, each valid under the zod schema', () => {
    expect(labs.length).toBeGreaterThanOrEqual(5);
    for (const def of LAB_DEFINITIONS) expect(labSchema.safeParse(def).success).toBe(true);
  });

  it('lists every labs/<id>/lab.ts in the catalog, with the folder named like the id', () => {
    const dirs = readdirSync(LABS_DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(LABS_DIR, d.name, 'lab.ts')))
      .map((d) => d.name)
      .sort();
    expect(labs.map((l) => l.lab.id).sort()).toEqual(dirs);
  });

  it('orders labs 1..n without gaps', () => {
    expect(labs.map((l) => l.lab.order)).toEqual(labs.map((_, i) => i + 1));
  });

  it('covers the five required topics', () => {
    const kindsApplied = (id: string) =>
      new Set(
        labs
          .find((l) => l.lab.id === id)!
          .lab.steps.flatMap((s) => s.apply)
          .flatMap(
            (ref) =>
              parseManifests({ file: ref, text: labs.find((l) => l.lab.id === id)!.manifests.get(ref)!.text })
                .resources,
          )
          .map((r) => r.kind),
      );
    expect(kindsApplied('ambient-mtls')).toContain('Namespace');
    expect(kindsApplied('l4-authorization')).toContain('AuthorizationPolicy');
    expect(kindsApplied('waypoint-l7-authz')).toEqual(new Set(['Gateway', 'Namespace', 'AuthorizationPolicy']));
    expect(kindsApplied('canary-routing')).toContain('HTTPRoute');
    expect(kindsApplied('require-jwt')).toEqual(new Set(['RequestAuthentication', 'AuthorizationPolicy']));
  });

  it('reads every manifest a lab names, and each parses without model issues', () => {
    for (const l of labs) {
      const refs = [...l.lab.setup, ...l.lab.steps.flatMap((s) => [...s.apply, ...s.remove])];
      for (const ref of refs) {
        const m = l.manifests.get(ref);
        expect(m, `${l.lab.id}: ${ref}`).toBeDefined();
        const parsed = parseManifests({ file: m!.file, text: m!.text });
        expect(parsed.issues, `${m!.file}`).toEqual([]);
        expect(parsed.resources.length).toBeGreaterThan(0);
      }
    }
  });

  it('pins the base images to the versions in labs/runner/versions.ts', () => {
    const base = labs[0]!;
    const images = [...base.manifests.values()]
      .flatMap((m) => [...m.text.matchAll(/image:\s*(\S+)/g)].map((x) => x[1]!))
      .sort();
    expect(images.length).toBeGreaterThanOrEqual(7);
    for (const img of images) {
      if (img.includes('examples-bookinfo')) expect(img.endsWith(`:${IMAGES.bookinfoTag}`), img).toBe(true);
      else expect(img).toBe(IMAGES.curl);
    }
  });

  it('the bookinfo base has the services, per-version reviews Services, accounts and clients the labs rely on', () => {
    const text = [...labs[0]!.manifests.values()].map((m) => m.text).join('\n---\n');
    const rs = parseManifests({ file: 'base', text }).resources;
    const names = (kind: string, ns = 'bookinfo') =>
      rs
        .filter((r) => r.kind === kind && r.namespace === ns)
        .map((r) => r.name)
        .sort();
    expect(names('Service')).toEqual([
      'details',
      'productpage',
      'ratings',
      'reviews',
      'reviews-v1',
      'reviews-v2',
      'reviews-v3',
    ]);
    expect(names('ServiceAccount')).toEqual([
      'bookinfo-details',
      'bookinfo-productpage',
      'bookinfo-ratings',
      'bookinfo-reviews',
      'curl',
      'guest',
    ]);
    expect(names('Deployment')).toEqual([
      'curl',
      'details-v1',
      'guest',
      'productpage-v1',
      'ratings-v1',
      'reviews-v1',
      'reviews-v2',
      'reviews-v3',
    ]);
    expect(names('Deployment', 'legacy')).toEqual(['curl']);
  });
});

describe('the zod schema rejects broken definitions', () => {
  const good = LAB_DEFINITIONS[0]!;
  const mutate = (f: (d: LabDefinition & Record<string, unknown>) => void): LabDefinition => {
    const copy = structuredClone(good) as LabDefinition & Record<string, unknown>;
    f(copy);
    return copy;
  };
  const firstIssuePath = (d: LabDefinition) => {
    const r = labSchema.safeParse(d);
    return r.success ? undefined : r.error.issues[0]!.path.join('.');
  };

  it('a check from something that is not NAMESPACE/NAME', () => {
    expect(firstIssuePath(mutate((d) => ((d.steps[0]!.checks[3] as { from: string }).from = 'curl')))).toBe(
      'steps.0.checks.3.from',
    );
  });
  it('an unknown check type', () => {
    expect(firstIssuePath(mutate((d) => ((d.steps[0]!.checks[0] as { type: string }).type = 'ping')))).toBe(
      'steps.0.checks.0.type',
    );
  });
  it('a step without checks', () => {
    expect(firstIssuePath(mutate((d) => (d.steps[0]!.checks = [])))).toBe('steps.0.checks');
  });
  it('a manifest path escaping the lab folder', () => {
    expect(firstIssuePath(mutate((d) => (d.steps[0]!.apply = ['../../etc/passwd.yaml'])))).toBe('steps.0.apply.0');
  });
  it('an unknown field (strict objects catch typos)', () => {
    expect(firstIssuePath(mutate((d) => ((d.steps[0] as Record<string, unknown>).hint = 'x')))).toBe('steps.0');
  });
  it('an expected status out of range', () => {
    expect(
      firstIssuePath(mutate((d) => ((d.steps[0]!.checks[3] as { expect: { status: number } }).expect.status = 42))),
    ).toBe('steps.0.checks.3.expect.status');
  });
  it('parseLabs names the lab and field, and refuses duplicate ids', () => {
    expect(() => parseLabs([mutate((d) => (d.title = ''))])).toThrow(LabDefinitionError);
    expect(() => parseLabs([mutate((d) => (d.title = ''))])).toThrow(/lab ambient-mtls: title/);
    expect(() => parseLabs([good, good])).toThrow(/duplicate id/);
  });
});
