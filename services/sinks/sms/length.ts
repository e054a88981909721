// Chinese text goes out UCS-2 encoded: 70 characters fit one SMS, and a longer text is split into
// segments of 67 (each loses three characters to the concatenation header) that are billed, and can
// arrive, separately. Characters outside the Basic Multilingual Plane (some rare place-name
// characters) take two UCS-2 units, so length is counted in UTF-16 code units, as carriers count it.

export const SMS_SEGMENT_CHARS = 70;

export function smsLength(text: string): number {
  return text.length;
}

/** `text` cut to at most `max` code units, ending in "…" when cut; never splits a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (smsLength(text) <= max) return text;
  let kept = '';
  for (const ch of text) {
    if (smsLength(kept) + smsLength(ch) + 1 > max) break;
    kept += ch;
  }
  return `${kept}…`;
}
