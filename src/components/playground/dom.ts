/**
 * Tiny DOM helpers for the islands. User text only ever goes through `textContent` (never innerHTML), so a name
 * like `<img src=x onerror=…>` in a manifest renders as text.
 */
export type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, string>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return el;
}

/** Plain text with `code` spans → nodes (the exercise tasks and hints use backticks). */
export function richText(text: string): Node[] {
  const out: Node[] = [];
  text.split(/(`[^`]+`)/).forEach((part) => {
    if (!part) return;
    if (part.startsWith('`') && part.endsWith('`') && part.length > 1) out.push(h('code', {}, part.slice(1, -1)));
    else out.push(document.createTextNode(part));
  });
  return out;
}

export function $<T extends Element = HTMLElement>(root: ParentNode, selector: string): T {
  const el = root.querySelector<T>(selector);
  if (!el) throw new Error(`island markup is missing ${selector}`);
  return el;
}
