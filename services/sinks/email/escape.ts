// Everything interpolated into an alert's HTML comes from data (product and region names, findings
// built from feed records, warning ids), so all of it is escaped, attribute values included.

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => entities[ch]!);
}
