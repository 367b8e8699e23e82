/** `['spec', 'rules', 0, 'to']` → `spec.rules[0].to`: how findings, migrate and expectations name a place. */
export function formatPath(path: readonly (string | number | symbol)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}
