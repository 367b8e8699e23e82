import { CATALOG, GROUP_TITLES, catalogAsJson } from '../../lib/catalog/index.ts';
import type { CatalogEntry } from '../../lib/catalog/index.ts';
import { parseArgs } from '../args.ts';
import type { Command } from '../io.ts';
import { EXIT, UsageError } from '../io.ts';

export const help = `ambient-atlas catalog [--format json|md]

Print the CRD catalog: every resource and label the site documents, its API versions and where it is
programmed (ztunnel, waypoint, ingress, istio-cni, istiod). The same data drives the /reference/ table.`;

function apiOf(e: CatalogEntry): string {
  if (e.type === 'label') return 'label';
  return [
    ...new Set(Object.values(e.served).map((s) => s.find((v) => v.preferred)?.apiVersion ?? s[0].apiVersion)),
  ].join(', ');
}

export function catalogMarkdown(): string {
  const rows = CATALOG.map(
    (e) =>
      `| [${e.title}](${e.docs}) | ${GROUP_TITLES[e.group]} | ${apiOf(e)} | ${e.purpose} | ${e.programmedAt.join(' · ')} |`,
  );
  return (
    ['| Resource | Group | API | What it does | Programmed at |', '|---|---|---|---|---|', ...rows].join('\n') + '\n'
  );
}

export const run: Command = async (argv, io) => {
  const args = parseArgs(argv, { format: { type: 'string', default: 'json' } });
  const format = args.values.format;
  if (args.positionals.length) throw new UsageError(`unexpected argument: ${args.positionals[0]}`);
  if (format === 'json') io.stdout(JSON.stringify(catalogAsJson(), null, 2) + '\n');
  else if (format === 'md') io.stdout(catalogMarkdown());
  else throw new UsageError(`--format must be json or md, not ${String(format)}`);
  return EXIT.ok;
};
