import { describe, expect, it } from 'vitest';
import { CATALOG, PROGRAMMED_AT } from './index.ts';
import {
  ANSI_SLOTS,
  ansiColor,
  ansiPalette,
  ENFORCEMENT_TOKEN_LIST,
  ENFORCEMENT_TOKENS,
  enforcementCss,
  stripesClass,
  TERMINAL_BACKGROUNDS,
  THEME_BACKGROUNDS,
} from './enforcement-tokens.ts';

/** WCAG 2.x relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('enforcement-point tokens', () => {
  it('the contrast formula matches WCAG reference values', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
  });

  it('has exactly one token per catalog enforcement point, with distinct labels, keys, shapes and colours', () => {
    expect(Object.keys(ENFORCEMENT_TOKENS).sort()).toEqual([...PROGRAMMED_AT].sort());
    expect(ENFORCEMENT_TOKEN_LIST.map((t) => t.id)).toEqual([...PROGRAMMED_AT]);
    for (const field of ['label', 'key', 'shape', 'icon'] as const)
      expect(new Set(ENFORCEMENT_TOKEN_LIST.map((t) => t[field])).size).toBe(PROGRAMMED_AT.length);
    for (const theme of ['light', 'dark'] as const)
      expect(new Set(ENFORCEMENT_TOKEN_LIST.map((t) => t[theme].fg)).size).toBe(PROGRAMMED_AT.length);
    for (const t of ENFORCEMENT_TOKEN_LIST) expect(t.key).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(ENFORCEMENT_TOKENS['n/a in ambient'].label).toBe('not in ambient');
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`reaches AA text contrast (4.5:1) in the ${theme} theme on page, nav, panels and its own tint`, () => {
      const failures: string[] = [];
      for (const t of ENFORCEMENT_TOKEN_LIST) {
        const backgrounds = { ...THEME_BACKGROUNDS[theme], tint: t[theme].tint };
        for (const [where, bg] of Object.entries(backgrounds)) {
          const c = contrast(t[theme].fg, bg);
          if (c < 4.5) failures.push(`${t.label} ${t[theme].fg} on ${where} ${bg}: ${c.toFixed(2)}`);
        }
      }
      expect(failures).toEqual([]);
    });
  }

  it('gives every enforcement point its own ANSI colour, drawn in the token colour, readable on both terminal screens', () => {
    const esc = String.fromCharCode(27);
    expect(Object.keys(ANSI_SLOTS).sort()).toEqual([...PROGRAMMED_AT].sort());
    expect(new Set(Object.values(ANSI_SLOTS).map((a) => a.slot)).size).toBe(PROGRAMMED_AT.length);
    const sgrOf = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, white: 37 } as const;
    for (const t of ENFORCEMENT_TOKEN_LIST) {
      const { slot, sgr } = ANSI_SLOTS[t.id];
      // The SGR code and the palette slot name one colour: xterm draws SGR 34 with the theme's `blue`.
      expect(sgr).toBe(sgrOf[slot]);
      expect(ansiColor(t.id, t.label)).toBe(`${esc}[${sgr}m${t.label}${esc}[39m`);
      for (const theme of ['light', 'dark'] as const) {
        const palette = ansiPalette(theme);
        const bright = `bright${slot[0]!.toUpperCase()}${slot.slice(1)}` as keyof typeof palette;
        expect(palette[slot]).toBe(t[theme].fg);
        expect(palette[bright]).toBe(t[theme].fg);
        expect(contrast(t[theme].fg, TERMINAL_BACKGROUNDS[theme])).toBeGreaterThanOrEqual(4.5);
      }
    }
    // Only the enforcement points' slots (and their bright twins) come from here; cyan is the terminal's own.
    expect(Object.keys(ansiPalette('dark')).sort()).toEqual(
      Object.values(ANSI_SLOTS)
        .flatMap((a) => [a.slot, `bright${a.slot[0]!.toUpperCase()}${a.slot.slice(1)}`])
        .sort(),
    );
  });

  it('emits custom properties for both themes and a stripe class for every catalog combination', () => {
    const combos = CATALOG.map((e) => e.programmedAt);
    const css = enforcementCss(combos);
    for (const t of ENFORCEMENT_TOKEN_LIST) {
      expect(css).toContain(`--atlas-${t.key}:${t.dark.fg};`);
      expect(css).toContain(`--atlas-${t.key}:${t.light.fg};`);
      expect(css).toContain(`.atlas-ep--${t.key}{`);
    }
    for (const ids of combos) expect(css).toContain(`.${stripesClass(ids)}{box-shadow:`);
    expect(stripesClass(['ztunnel', 'waypoint'])).toBe('atlas-eps--ztunnel--waypoint');
    // Braces balance: one malformed rule would silently drop the rest of the sheet.
    expect(css.split('{').length).toBe(css.split('}').length);
  });
});
