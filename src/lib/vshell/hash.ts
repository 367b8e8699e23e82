// Stable suffixes for synthetic names (pods of waypoint and ingress gateway Deployments). Its own module so that
// cluster.ts and ingress.ts can both use it without importing each other in a cycle.

/** FNV-1a based suffix for synthetic names. */
export function shortHash(s: string, n = 5): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let i = 0; i < n; i++) {
    out += alphabet[h % alphabet.length];
    h = Math.floor(h / alphabet.length) + 7919 * (i + 1);
  }
  return out;
}
