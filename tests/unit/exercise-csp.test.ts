import { describe, expect, it } from 'vitest';
import { addInlineScriptHashes, sha256 } from '../../src/site/integrations/csp.ts';

const page = (policy: string, body: string) =>
  `<html><head><meta http-equiv="content-security-policy" content="${policy}"></head><body>${body}</body></html>`;

describe('CSP inline-script hashes (build step)', () => {
  it('adds the hash of each inline script to script-src, once, and leaves other directives alone', () => {
    const html = page(
      "default-src 'self'; script-src 'self' 'sha256-abc'; script-src-attr 'none'; style-src 'self'",
      '<script>a()</script><script>a()</script><script type="module">b()</script><script src="/x.js"></script>',
    );
    const out = addInlineScriptHashes(html);
    expect(out.added).toBe(2);
    const policy = /content="([^"]*)"/.exec(out.html)![1]!;
    const scriptSrc = /(?:^|;\s*)script-src ([^;]*)/.exec(policy)![1]!;
    expect(scriptSrc.split(' ')).toEqual(["'self'", "'sha256-abc'", sha256('a()'), sha256('b()')]);
    expect(policy).toContain("script-src-attr 'none'");
    expect(policy).not.toContain('unsafe-inline');
  });

  it('does not touch pages without a policy, or whose scripts are already hashed', () => {
    expect(addInlineScriptHashes('<script>a()</script>').added).toBe(0);
    const hashed = page(`script-src 'self' ${sha256('a()')}`, '<script>a()</script>');
    expect(addInlineScriptHashes(hashed)).toEqual({ html: hashed, added: 0 });
  });
});
