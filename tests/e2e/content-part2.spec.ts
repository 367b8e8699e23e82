import { expect, test } from './fixtures.ts';

// The Gateway API, Networking and Workload & Telemetry reference pages, as a reader meets them: headings, examples
// with titles and copy buttons, deliberate examples labelled and linked to their validator rule, claims tables and
// correction callouts. Locators are role-based; `[data-example]` only scopes a search to one example block.

const PAGES: readonly (readonly [string, string])[] = [
  ['/gateway-api/gateway/', 'Gateway'],
  ['/gateway-api/httproute/', 'HTTPRoute'],
  ['/gateway-api/tcproute-tlsroute-grpcroute/', 'TCPRoute · TLSRoute · GRPCRoute'],
  ['/gateway-api/referencegrant/', 'ReferenceGrant'],
  ['/networking/serviceentry/', 'ServiceEntry'],
  ['/networking/destinationrule/', 'DestinationRule'],
  ['/networking/virtualservice/', 'VirtualService'],
  ['/networking/sidecar/', 'Sidecar'],
  ['/workload-telemetry/workloadentry/', 'WorkloadEntry'],
  ['/workload-telemetry/workloadgroup/', 'WorkloadGroup'],
  ['/workload-telemetry/telemetry/', 'Telemetry'],
  ['/workload-telemetry/wasmplugin/', 'WasmPlugin'],
  ['/workload-telemetry/envoyfilter/', 'EnvoyFilter'],
  ['/workload-telemetry/proxyconfig/', 'ProxyConfig'],
];

test('every page has its title, a "What each field does" section and copyable examples', async ({ page }) => {
  for (const [url, title] of PAGES) {
    const res = await page.goto(url);
    expect(res?.status(), url).toBe(200);
    await expect(page.getByRole('heading', { level: 1, name: title, exact: true })).toBeVisible();
    await expect(page.getByRole('heading', { name: /^What each field does/ }).first()).toBeVisible();
    await expect(page.getByRole('main').getByRole('button', { name: 'Copy to clipboard' }).first()).toBeAttached();
    // No "coming soon" placeholder left.
    await expect(page.getByRole('main')).not.toContainText('coming soon');
  }
});

test('the waypoint-parent HTTPRoute is labelled "No effect", links its rule and carries a correction', async ({
  page,
}) => {
  await page.goto('/gateway-api/httproute/');
  const example = page.locator('[data-example="gateway-api/httproute-parent-waypoint"]');
  await expect(example.getByText(/^No effect: The popular canary form/)).toBeVisible();
  const rule = example.getByRole('link', { name: 'httproute-parent-waypoint' });
  await expect(rule).toHaveAttribute('href', '/validator/rules/httproute-parent-waypoint/');
  await expect(example.getByRole('button', { name: 'Copy to clipboard' })).toBeAttached();
  await expect(
    page.getByRole('complementary', { name: /^Correction: an HTTPRoute attached to the waypoint Gateway/ }),
  ).toBeVisible();
  await rule.click();
  await expect(page).toHaveURL(/\/validator\/rules\/httproute-parent-waypoint\/$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('httproute-parent-waypoint');
});

test('the canary example shows its simulator claims, including the 80/20 split', async ({ page }) => {
  await page.goto('/gateway-api/httproute/');
  const example = page.locator('[data-example="gateway-api/httproute-canary"]');
  await expect(example.getByText('reviews-canary.yaml: 80% v1, 20% v2')).toBeVisible();
  const claims = example.getByRole('table', { name: 'Checked by the simulator on every build' });
  const split = claims.getByRole('row').filter({ hasText: 'sends 80% of reviews requests to v1' });
  await expect(split.getByRole('cell').nth(1)).toHaveText(
    /allowed, status 200, via waypoint bookinfo\/waypoint, backends reviews-v1 80%, reviews-v2 20%/,
  );
  // A valid example carries no rule link and no deliberate-example prefix.
  await expect(example.getByRole('link', { name: /^[a-z]+(-[a-z0-9]+)+$/ })).toHaveCount(0);
});

test('deliberate examples on the networking and telemetry pages name their rule', async ({ page }) => {
  const cases: readonly (readonly [string, string, string, RegExp])[] = [
    ['/networking/sidecar/', 'networking/sidecar', 'sidecar-resource-ineffective', /^No effect: /],
    ['/networking/serviceentry/', 'networking/serviceentry-wildcard-host', 'schema', /^Rejected: /],
    ['/workload-telemetry/envoyfilter/', 'workload-telemetry/envoyfilter', 'envoyfilter-unsupported', /^No effect: /],
    [
      '/workload-telemetry/wasmplugin/',
      'workload-telemetry/wasmplugin-selector',
      'selector-policy-ignored-in-ambient',
      /^No effect: /,
    ],
  ];
  for (const [url, name, rule, prefix] of cases) {
    await page.goto(url);
    const example = page.locator(`[data-example="${name}"]`);
    await expect(example.getByText(prefix).first(), name).toBeVisible();
    await expect(example.getByRole('link', { name: rule, exact: true })).toHaveAttribute(
      'href',
      `/validator/rules/${rule}/`,
    );
  }
});

test('the EnvoyFilter page corrects the "bind it to waypoints" advice', async ({ page }) => {
  await page.goto('/workload-telemetry/envoyfilter/');
  await expect(
    page.getByRole('complementary', { name: 'Correction: waypoints take EnvoyFilter through targetRefs only' }),
  ).toBeVisible();
});

test('wildcards in field notes survive rendering (MDX would read a bare * as emphasis)', async ({ page }) => {
  await page.goto('/networking/serviceentry/');
  await expect(page.getByRole('main')).toContainText(
    'A leading wildcard such as *.example.com is allowed; a bare * is refused.',
  );
  await page.goto('/networking/sidecar/');
  await expect(page.getByRole('main')).toContainText('(./* is the');
});
