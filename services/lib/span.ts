// Time spans on the command line: "90s", "15m", "6h", "7d", "2w", or plain milliseconds.

const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseSpan(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)?$/.exec(text.trim());
  if (!m) throw new Error(`not a time span: ${JSON.stringify(text)} (use e.g. 90s, 15m, 6h, 7d)`);
  return Math.round(Number(m[1]) * units[m[2] ?? 'ms']!);
}
