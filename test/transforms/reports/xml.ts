import { expect } from 'vitest';

// Just enough XML checking for generated SVG (and the HTML around it) without an XML parser dependency: every tag closes in
// order, attributes are quoted, every & starts an entity, and no number rendered as NaN.

const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<!--[\s\S]*?-->/g;

// HTML elements that never have a closing tag.
const voids = new Set(['meta', 'img', 'br', 'hr', 'link', 'input']);

export function checkXml(xml: string, opts: { html?: boolean } = {}): void {
  if (opts.html) xml = xml.replace(/^<!DOCTYPE html>\n/, '');
  const stack: string[] = [];
  let last = 0;
  const text: string[] = [];
  for (const m of xml.matchAll(tag)) {
    text.push(xml.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[0].startsWith('<!--')) continue;
    const [, close, name, , self] = m;
    if (close) expect(stack.pop(), `closing </${name}>`).toBe(name);
    else if (!self && !(opts.html && voids.has(name!))) stack.push(name!);
  }
  text.push(xml.slice(last));
  expect(stack, 'unclosed elements').toEqual([]);
  const between = text.join('');
  expect(between, 'stray < or > outside tags').not.toMatch(/[<>]/);
  expect(xml, 'bare &').not.toMatch(/&(?!(amp|lt|gt|quot|#39|#x?[0-9a-fA-F]+);)/);
  expect(xml).not.toMatch(/NaN|undefined|Infinity/);
  if (!opts.html) expect(xml.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
}

/** The visible text of an HTML document: tags removed, entities decoded, whitespace collapsed. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}
