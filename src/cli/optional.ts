/**
 * Packages the installable CLI does not bundle (DESIGN §4.5b, issue #18): `lab` and `--cluster` need them, lint,
 * simulate, migrate and catalog never load them. When one is missing, say what to install instead of a stack trace.
 */
export const OPTIONAL_PACKAGES: Readonly<Record<string, string>> = {
  testcontainers: 'the real lab path (lab up/check/down)',
  '@kubernetes/client-node': 'the real lab path and --cluster',
  '@lydell/node-pty': 'lab serve (the in-page terminal)',
};

/** The message for an import that failed because an optional package is absent, or undefined for other errors. */
export function missingOptionalPackage(err: unknown): string | undefined {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e || (e.code !== 'ERR_MODULE_NOT_FOUND' && e.code !== 'MODULE_NOT_FOUND')) return undefined;
  const message = String(e.message);
  const name = Object.keys(OPTIONAL_PACKAGES).find((p) => message.includes(`'${p}'`) || message.includes(`"${p}"`));
  if (!name) return undefined;
  return (
    `ambient-atlas: ${OPTIONAL_PACKAGES[name]} needs the optional package ${name}, which is not installed.\n` +
    `Install it next to ambient-atlas, e.g. \`npm install -g ${name}\` (or \`npm install ${name}\` in your project).\n`
  );
}
