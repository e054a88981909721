// Every text in a report comes from data (product and region names, reason codes, warning ids), so
// all of it is escaped, attribute values included. The same escaping serves HTML and SVG (XML).

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => entities[ch]!);
}
