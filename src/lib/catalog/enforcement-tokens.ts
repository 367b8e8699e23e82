/**
 * The one visual language for enforcement points (issue #19): for every `ProgrammedAt` id of the catalog, the label
 * people read, a shape (so colour is never the only cue), and a colour per theme. The diagram, the badges (page and
 * sidebar), the reference table, traces and the terminal all take their colours from here, through the CSS custom
 * properties `enforcementCss()` emits on every page (`--atlas-ztunnel`, `--atlas-ztunnel-tint`, …) or, in the
 * terminal, through `ansiColor()`.
 *
 * Contrast (enforcement-tokens.test.ts computes it): each theme's `fg` reaches WCAG AA for text (4.5:1)
 * on the page, the navigation/sidebar background, Starlight's gray-6 panels and the token's own `tint` (the badge
 * background); the terminal colour reaches it on the terminal's background.
 *
 * Plain data and string building only: this module is imported by astro.config.mjs, Astro components, browser
 * islands and the CLI alike.
 */
import { PROGRAMMED_AT } from './types.ts';
import type { ProgrammedAt } from './types.ts';

export type EnforcementShape = 'diamond' | 'circle' | 'triangle' | 'square' | 'hexagon' | 'slashed-circle';

export interface ThemeColors {
  /** Text, icon and stroke colour. */
  readonly fg: string;
  /** A soft background (badges, highlighted hops) that `fg` text stays readable on. */
  readonly tint: string;
}

export interface EnforcementToken {
  readonly id: ProgrammedAt;
  /** What badges and legends print. */
  readonly label: string;
  /** CSS-safe name: the custom properties are `--atlas-<key>` and `--atlas-<key>-tint`, the class `atlas-ep--<key>`. */
  readonly key: string;
  readonly shape: EnforcementShape;
  /** SVG path data in a 16×16 viewBox (fill-rule evenodd), drawn in `fg`. */
  readonly icon: string;
  readonly light: ThemeColors;
  readonly dark: ThemeColors;
}

/** Backgrounds the colours must stay readable on (Starlight 0.42 `style/props.css`, and the terminal's screen). */
export const THEME_BACKGROUNDS = {
  light: { page: '#ffffff', nav: '#f6f7f9', panel: '#eceef3' },
  dark: { page: '#17181c', nav: '#23262f', panel: '#23262f' },
} as const;
/** The terminal keeps a dark screen in both themes (src/components/terminal/terminal-client.ts). */
export const TERMINAL_BACKGROUND = '#111418';

const ICONS: Record<EnforcementShape, string> = {
  diamond: 'M8 1.5 14.5 8 8 14.5 1.5 8Z',
  circle: 'M8 2a6 6 0 1 1 0 12A6 6 0 0 1 8 2Z',
  triangle: 'M8 1.75 14.75 13.5H1.25Z',
  square: 'M2.5 2.5h11v11h-11Z',
  hexagon: 'M8 1.5l5.63 3.25v6.5L8 14.5l-5.63-3.25v-6.5Z',
  // A ring with a band from top-left to bottom-right: the two half-moons inside are holes (evenodd).
  'slashed-circle':
    'M8 1.5a6.5 6.5 0 1 1 0 13a6.5 6.5 0 1 1 0-13ZM10.39 11.81A4.5 4.5 0 0 1 4.19 5.61ZM5.61 4.19A4.5 4.5 0 0 1 11.81 10.39Z',
};

const token = (
  id: ProgrammedAt,
  label: string,
  key: string,
  shape: EnforcementShape,
  light: ThemeColors,
  dark: ThemeColors,
): EnforcementToken => ({ id, label, key, shape, icon: ICONS[shape], light, dark });

/**
 * Hues kept apart on purpose: the two dataplane layers (ztunnel blue, waypoint green) are the pair readers compare
 * most; ingress is purple, istio-cni amber, istiod a neutral slate (it is the control plane, not a proxy), and
 * "not in ambient" red because it is a warning.
 */
export const ENFORCEMENT_TOKENS: Readonly<Record<ProgrammedAt, EnforcementToken>> = {
  'istio-cni': token(
    'istio-cni',
    'istio-cni',
    'cni',
    'diamond',
    { fg: '#8a4b00', tint: '#fdf0dc' },
    { fg: '#f0b35a', tint: '#3a2a10' },
  ),
  ztunnel: token(
    'ztunnel',
    'ztunnel',
    'ztunnel',
    'circle',
    { fg: '#0b57c4', tint: '#e4eefc' },
    { fg: '#7fb2ff', tint: '#16284a' },
  ),
  waypoint: token(
    'waypoint',
    'waypoint',
    'waypoint',
    'triangle',
    { fg: '#0f6b3d', tint: '#dff3e7' },
    { fg: '#5fd39a', tint: '#11332a' },
  ),
  ingress: token(
    'ingress',
    'ingress',
    'ingress',
    'square',
    { fg: '#7a2fc2', tint: '#f1e7fb' },
    { fg: '#c9a2ff', tint: '#2e1d48' },
  ),
  istiod: token(
    'istiod',
    'istiod',
    'istiod',
    'hexagon',
    { fg: '#4b5563', tint: '#eceef1' },
    { fg: '#b8c0cc', tint: '#2a2e36' },
  ),
  'n/a in ambient': token(
    'n/a in ambient',
    'not in ambient',
    'na',
    'slashed-circle',
    { fg: '#b3261e', tint: '#fce8e6' },
    { fg: '#ff8a80', tint: '#451a1a' },
  ),
};

/** The tokens in the catalog's order of enforcement points. */
export const ENFORCEMENT_TOKEN_LIST: readonly EnforcementToken[] = PROGRAMMED_AT.map((id) => ENFORCEMENT_TOKENS[id]);

/** `var(--atlas-ztunnel)`: the theme-following colour of an enforcement point, for inline SVG fills and strokes. */
export function colorVar(id: ProgrammedAt): string {
  return `var(--atlas-${ENFORCEMENT_TOKENS[id].key})`;
}

/** `var(--atlas-ztunnel-tint)`: its soft background. */
export function tintVar(id: ProgrammedAt): string {
  return `var(--atlas-${ENFORCEMENT_TOKENS[id].key}-tint)`;
}

/** The class that sets `--atlas-ep-fg` / `--atlas-ep-tint` to one enforcement point's colours. */
export function tokenClass(id: ProgrammedAt): string {
  return `atlas-ep--${ENFORCEMENT_TOKENS[id].key}`;
}

/**
 * The class for a sidebar badge naming several enforcement points: one coloured stripe per point, in order.
 * `enforcementCss()` defines it for every combination passed to it.
 */
export function stripesClass(ids: readonly ProgrammedAt[]): string {
  return `atlas-eps--${ids.map((id) => ENFORCEMENT_TOKENS[id].key).join('--')}`;
}

/** How a list of enforcement points reads in one line ("ztunnel · waypoint"). */
export function enforcementText(ids: readonly ProgrammedAt[]): string {
  return ids.map((id) => ENFORCEMENT_TOKENS[id].label).join(' · ');
}

/** 24-bit ANSI foreground for the terminal's dark screen, and the reset. */
export function ansiColor(id: ProgrammedAt, text: string): string {
  const hex = ENFORCEMENT_TOKENS[id].dark.fg;
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `\x1b[38;2;${r};${g};${b}m${text}\x1b[39m`;
}

/** Stripe width in the sidebar badges. */
const STRIPE_REM = 0.25;

/**
 * The stylesheet every page carries (astro.config.mjs puts it in the head): the custom properties for both themes
 * (Starlight's convention: dark on `:root`, light on `[data-theme='light']`), one class per enforcement point, and
 * the stripe classes for the given combinations (the catalog's, for the sidebar).
 */
export function enforcementCss(combinations: readonly (readonly ProgrammedAt[])[] = []): string {
  const vars = (theme: 'light' | 'dark') =>
    ENFORCEMENT_TOKEN_LIST.map((t) => `--atlas-${t.key}:${t[theme].fg};--atlas-${t.key}-tint:${t[theme].tint};`).join(
      '',
    );
  const classes = ENFORCEMENT_TOKEN_LIST.map(
    (t) => `.atlas-ep--${t.key}{--atlas-ep-fg:var(--atlas-${t.key});--atlas-ep-tint:var(--atlas-${t.key}-tint);}`,
  ).join('');
  const seen = new Set<string>();
  const stripes = combinations
    .map((ids) => {
      const cls = stripesClass(ids);
      if (seen.has(cls)) return '';
      seen.add(cls);
      const shadows = ids.map((id, i) => `inset ${(i + 1) * STRIPE_REM}rem 0 0 ${colorVar(id)}`).join(',');
      return `.${cls}{box-shadow:${shadows};padding-inline-start:${ids.length * STRIPE_REM + 0.3}rem !important;}`;
    })
    .join('');
  return `:root{${vars('dark')}}:root[data-theme='light']{${vars('light')}}${classes}${stripes}`;
}
