/**
 * The one visual language for enforcement points (issue #19): for every `ProgrammedAt` id of the catalog, the label
 * people read, a shape (so colour is never the only cue), and a colour per theme. The diagram, the badges (page and
 * sidebar), the reference table, traces and the terminal all take their colours from here, through the CSS custom
 * properties `enforcementCss()` emits on every page (`--atlas-ztunnel`, `--atlas-ztunnel-tint`, …) or, in the
 * terminal, through `ANSI_SLOTS` / `ansiColor()` (which ANSI colour names a point) and `ansiPalette()` (what that
 * ANSI colour looks like in each theme).
 *
 * Contrast (enforcement-tokens.test.ts computes it): each theme's `fg` reaches WCAG AA for text (4.5:1)
 * on the page, the navigation/sidebar background, Starlight's gray-6 panels and the token's own `tint` (the badge
 * background); the terminal colours reach it on the terminal's background of the same theme.
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
/** The in-page terminal's screen in each theme (src/components/terminal/terminal-client.ts follows the page's). */
export const TERMINAL_BACKGROUNDS = { light: '#ffffff', dark: '#111418' } as const;

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

/** The eight-colour ANSI names an xterm theme can set (xterm.js `ITheme` keys). */
export type AnsiSlot = 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'white';

/**
 * Which ANSI colour stands for each enforcement point in a terminal. Text carries a palette slot (SGR 30–37), not an
 * RGB value, so the in-page terminal paints it with this theme's token colour (`ansiPalette`) and repaints lines
 * already on screen when the reader switches theme. The slots follow the hues above (ztunnel blue, waypoint green,
 * ingress magenta, istio-cni yellow/amber, not-in-ambient red); istiod, a neutral grey, takes `white`, which
 * terminals draw as light grey. `cyan` stays free for the terminal's own chrome (the prompt).
 */
export const ANSI_SLOTS: Readonly<Record<ProgrammedAt, { readonly slot: AnsiSlot; readonly sgr: number }>> = {
  'istio-cni': { slot: 'yellow', sgr: 33 },
  ztunnel: { slot: 'blue', sgr: 34 },
  waypoint: { slot: 'green', sgr: 32 },
  ingress: { slot: 'magenta', sgr: 35 },
  istiod: { slot: 'white', sgr: 37 },
  'n/a in ambient': { slot: 'red', sgr: 31 },
};

/** `text` in the ANSI colour of an enforcement point, then back to the default foreground (SGR 39). */
export function ansiColor(id: ProgrammedAt, text: string): string {
  return `\x1b[${ANSI_SLOTS[id].sgr}m${text}\x1b[39m`;
}

type BrightSlot = `bright${Capitalize<AnsiSlot>}`;

/**
 * The enforcement points' ANSI slots as one theme draws them: each slot, and its bright twin (bold text in some
 * terminals), is the token's `fg` for that theme, so a terminal following the page's theme shows the same colour as
 * the badges beside it. Every value reaches AA on `TERMINAL_BACKGROUNDS[theme]` (enforcement-tokens.test.ts).
 */
export function ansiPalette(theme: 'light' | 'dark'): Partial<Record<AnsiSlot | BrightSlot, string>> {
  const palette: Partial<Record<AnsiSlot | BrightSlot, string>> = {};
  for (const t of ENFORCEMENT_TOKEN_LIST) {
    const { slot } = ANSI_SLOTS[t.id];
    palette[slot] = t[theme].fg;
    palette[`bright${slot[0]!.toUpperCase()}${slot.slice(1)}` as BrightSlot] = t[theme].fg;
  }
  return palette;
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
