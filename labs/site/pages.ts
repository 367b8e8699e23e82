// Lab pages (src/content/docs/labs/<id>.mdx) are generated from the lab definitions, so the page, the dry-run and
// the real check can never disagree. `node labs/site/gen-pages.ts` rewrites them; tests/labs/pages.test.ts fails
// when a committed page is stale.
import type { Lab, LabCheck } from '../schema.ts';
import { describeCheck } from '../runner/plan.ts';

/** Escape MDX specials in markdown prose, leaving inline code spans alone. */
export function mdxProse(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/[{}<>]/g, (c) => `\\${c}`)))
    .join('');
}

function indent(text: string, by = '   '): string {
  return text
    .split('\n')
    .map((l) => (l.trim() ? by + l : ''))
    .join('\n');
}

function importName(ref: string): string {
  return (
    'y_' +
    ref
      .replace(/^\.\.\/base\//, 'base/')
      .replace(/\.ya?ml$/, '')
      .replace(/[^a-zA-Z0-9]+/g, '_')
  );
}

/** Path of a manifest from src/content/docs/labs/<id>.mdx. */
function importPath(lab: Lab, ref: string): string {
  const rel = ref.startsWith('../base/') ? `base/${ref.slice('../base/'.length)}` : `${lab.id}/${ref}`;
  return `../../../../labs/${rel}?raw`;
}

function repoPath(lab: Lab, ref: string): string {
  return ref.startsWith('../base/') ? `labs/base/${ref.slice('../base/'.length)}` : `labs/${lab.id}/${ref}`;
}

function checkLine(c: LabCheck): string {
  return `- **${mdxProse(c.name)}** — <code>{${JSON.stringify(describeCheck(c))}}</code>`;
}

/** "beginner, about 15 min" from the lab's own estimate; empty when the lab gives neither. */
function levelText(lab: Lab): string {
  return [lab.difficulty, lab.minutes !== undefined ? `about ${lab.minutes} min` : undefined]
    .filter((x) => x !== undefined)
    .join(', ');
}

export function labPage(lab: Lab): string {
  const extraSetup = lab.setup.filter((r) => r !== '../base/bookinfo.yaml' && r !== '../base/clients.yaml');
  const refs = [...new Set([...extraSetup, ...lab.steps.flatMap((s) => s.apply)])];
  const out: string[] = [];
  out.push('---');
  out.push(`title: ${JSON.stringify(`Lab ${lab.order}: ${lab.title}`)}`);
  out.push(`description: ${JSON.stringify(lab.summary)}`);
  // No table of contents column (three headings here): its width goes to the terminal, 100+ columns at 1366 px.
  out.push('tableOfContents: false');
  out.push('sidebar:');
  out.push(`  order: ${lab.order}`);
  out.push(`  label: ${JSON.stringify(`${lab.order}. ${lab.title}`)}`);
  out.push('---');
  out.push('');
  out.push(
    `{/* Generated from labs/${lab.id}/lab.ts by \`node labs/site/gen-pages.ts\`. Edit the lab, not this page. */}`,
  );
  out.push('');
  out.push("import { Steps, Aside, Code } from '@astrojs/starlight/components';");
  out.push("import LabCheck from '../../../../labs/site/LabCheck.astro';");
  out.push("import LabTerminal from '../../../components/terminal/LabTerminal.astro';");
  for (const ref of refs) out.push(`import ${importName(ref)} from '${importPath(lab, ref)}';`);
  out.push('');
  out.push(mdxProse(lab.summary));
  out.push('');
  const level = levelText(lab);
  out.push(
    `${level ? `Level: ${level}, ${lab.steps.length} steps. ` : ''}Your progress is kept in this browser and shown on [the learning path](/learn/).`,
  );
  out.push('');
  out.push('## Before you start');
  out.push('');
  for (const p of lab.prerequisites) out.push(`- ${mdxProse(p)}`);
  out.push('');
  out.push('<Aside type="tip" title="Two ways to do this lab">');
  out.push('');
  out.push(
    "In the browser: do each step in the terminal below (`kubectl apply`, `patch`, `label`, `delete`) and press **Check my answer** — the checks run in the simulator against the cluster you built there; pasting the step's YAML works too. On a real cluster (Docker, about 8 GB of RAM; see `labs/README.md`): start it, do the steps with `kubectl`, and let the same checks run for real.",
  );
  out.push('');
  out.push('</Aside>');
  out.push('');
  out.push(
    `<Code lang="sh" title="Real cluster" code={${JSON.stringify(
      [
        `npx ambient-atlas lab up ${lab.id}          # kind + Istio ambient + bookinfo; stays up until Ctrl-C`,
        `export KUBECONFIG=labs/.state/${lab.id}/kubeconfig`,
        `npx ambient-atlas lab check ${lab.id} --dry-run   # no Docker: lint + simulate every step`,
      ].join('\n'),
    )}} />`,
  );
  out.push('');
  out.push(`The lab starts from: ${lab.setup.map((r) => `\`${repoPath(lab, r)}\``).join(', ')}.`);
  for (const ref of extraSetup) {
    out.push('');
    out.push(`<Code code={${importName(ref)}} lang="yaml" title=${JSON.stringify(repoPath(lab, ref))} />`);
  }
  out.push('');
  out.push(
    'Type the commands below in a terminal: the one in this page runs against a simulated cluster that starts like the lab (or, with `ambient-atlas lab serve ' +
      lab.id +
      "`, a real shell on your lab cluster). To start at a later step, pick it under the terminal and reset the cluster: the earlier steps' solutions are applied for you. The cluster is kept in this browser across reloads.",
  );
  out.push('');
  out.push(`<LabTerminal lab="${lab.id}" title=${JSON.stringify(`Terminal: ${lab.title}`)} />`);
  out.push('');
  out.push('## Steps');
  out.push('');
  out.push('<Steps>');
  out.push('');
  lab.steps.forEach((s, i) => {
    const n = i + 1;
    out.push(`${n}. **${mdxProse(s.title)}**`);
    out.push('');
    out.push(indent(mdxProse(s.instructions)));
    out.push('');
    for (const ref of s.apply) {
      out.push(indent(`<Code code={${importName(ref)}} lang="yaml" title=${JSON.stringify(repoPath(lab, ref))} />`));
      out.push('');
    }
    if (s.commands.length > 0) {
      out.push(indent(`<Code lang="sh" title="Commands" code={${JSON.stringify(s.commands.join('\n'))}} />`));
      out.push('');
    }
    out.push(indent('What is checked:'));
    out.push('');
    for (const c of s.checks) out.push(indent(checkLine(c)));
    out.push('');
    out.push(indent(`<LabCheck lab="${lab.id}" step={${n}} />`));
    out.push('');
    out.push(
      indent(
        `<Code lang="sh" title="Check on the real cluster" code={${JSON.stringify(`npx ambient-atlas lab check ${lab.id} --step ${n}`)}} />`,
      ),
    );
    out.push('');
    if (s.hints.length > 0) {
      out.push(indent('<details>'));
      out.push(indent('<summary>Hints</summary>'));
      out.push('');
      for (const h of s.hints) out.push(indent(`- ${mdxProse(h)}`));
      out.push('');
      out.push(indent('</details>'));
      out.push('');
    }
    out.push(indent('<details>'));
    out.push(indent('<summary>Solution</summary>'));
    out.push('');
    out.push(indent(mdxProse(s.solution)));
    out.push('');
    out.push(
      indent(
        `The YAML above (${s.apply.map((r) => `\`${repoPath(lab, r)}\``).join(', ') || 'no new manifest'}) is the reference solution.`,
      ),
    );
    out.push('');
    out.push(indent('</details>'));
    out.push('');
  });
  out.push('</Steps>');
  out.push('');
  out.push('## Clean up');
  out.push('');
  out.push(
    `Press Ctrl-C in the terminal running \`lab up\`, or run \`npx ambient-atlas lab down ${lab.id}\`: it deletes the kind cluster and \`labs/.state/${lab.id}/\`.`,
  );
  out.push('');
  return out.join('\n');
}

export function labsIndexPage(labs: readonly Lab[]): string {
  const out: string[] = [];
  out.push('---');
  out.push('title: "Labs"');
  out.push(
    'description: "Guided labs for Istio ambient mode, checked in the browser by the simulator or end to end on a real kind cluster."',
  );
  out.push('sidebar:');
  out.push('  order: 0');
  out.push('  label: "All labs"');
  out.push('---');
  out.push('');
  out.push('{/* Generated by `node labs/site/gen-pages.ts`. */}');
  out.push('');
  out.push(
    'Each lab is a few steps over the same bookinfo application. Every step names the YAML to apply and the requests that must then succeed or fail. The checks run in three places: in your browser (simulator), in CI (`ambient-atlas lab check LAB --dry-run`), and on a real kind cluster with Istio ambient (`ambient-atlas lab up LAB`, then `lab check LAB --step N`).',
  );
  out.push('');
  out.push(
    'The [learning path](/learn/) puts the labs and the exercises in one order, easiest first, and shows which steps you have done in this browser.',
  );
  out.push('');
  out.push('| # | Lab | Level | What you do |');
  out.push('| - | --- | ----- | ----------- |');
  for (const l of labs)
    out.push(`| ${l.order} | [${mdxProse(l.title)}](/labs/${l.id}/) | ${levelText(l)} | ${mdxProse(l.summary)} |`);
  out.push('');
  out.push('## Running the labs on a real cluster');
  out.push('');
  out.push(
    'You need Docker and about 8 GB of RAM for it. `lab up` starts a kind node container, installs the Gateway API CRDs and Istio in the ambient profile, deploys bookinfo and the curl clients, and prints the time it took (typically 4–8 minutes on a first run, most of it pulling images). It keeps the cluster until you press Ctrl-C or run `lab down`. Without Docker, `lab up` stops at once and points you here and to `--dry-run`.',
  );
  out.push('');
  return out.join('\n');
}
