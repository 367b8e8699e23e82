// Node-only loader: validated lab definitions plus the text of every manifest they name.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabDefinitionError, parseLabs } from './catalog.ts';
import type { Lab } from './schema.ts';

export const LABS_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_DIR = resolve(LABS_DIR, '..');

export interface ManifestFile {
  /** As written in the lab definition, e.g. `manifests/strict-mtls.yaml` or `../base/bookinfo.yaml`. */
  readonly ref: string;
  /** Repository-relative path, used as the `file` of findings: `labs/ambient-mtls/manifests/strict-mtls.yaml`. */
  readonly file: string;
  readonly text: string;
}

export interface LoadedLab {
  readonly lab: Lab;
  readonly dir: string;
  /** Every manifest the lab names (setup and steps), by its ref. */
  readonly manifests: ReadonlyMap<string, ManifestFile>;
}

export function loadLabs(): LoadedLab[] {
  return parseLabs().map((lab) => {
    const dir = join(LABS_DIR, lab.id);
    const manifests = new Map<string, ManifestFile>();
    const refs = [...lab.setup, ...lab.steps.flatMap((s) => [...s.apply, ...s.remove])];
    for (const ref of refs) {
      if (manifests.has(ref)) continue;
      const abs = resolve(dir, ref);
      let text: string;
      try {
        text = readFileSync(abs, 'utf8');
      } catch (err) {
        throw new LabDefinitionError(`lab ${lab.id}: cannot read manifest ${ref}: ${(err as Error).message}`);
      }
      manifests.set(ref, { ref, file: relative(REPO_DIR, abs).split('\\').join('/'), text });
    }
    return { lab, dir, manifests };
  });
}

export function findLab(labs: readonly LoadedLab[], id: string): LoadedLab | undefined {
  return labs.find((l) => l.lab.id === id);
}
