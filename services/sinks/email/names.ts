import type { WarningEventV1 } from '../../../schemas/outputs/warning-event.ts';
import { productByCode } from '../../domain/catalog.ts';
import { regionName } from '../../domain/regions.ts';

// What a bureau reads in an alert: names, not codes. Shared by the email and SMS renderers so both
// name a place and a level the same way.

export type Level = WarningEventV1['level'];

/** Warning colours of the four levels, as Chinese early-warning notices name them. */
export const levelColour: Record<Level, { zh: string; hex: string }> = {
  I: { zh: '红色', hex: '#c62828' },
  II: { zh: '橙色', hex: '#ef6c00' },
  III: { zh: '黄色', hex: '#f9a825' },
  IV: { zh: '蓝色', hex: '#1565c0' },
};

export const levelName = (level: Level) => `${level}级`;

// Rounded down so that a displayed score never reaches a threshold the real score has not.
export const displayScore = (score: number) => String(Math.floor(score));

// Directly administered counties sit under a placeholder prefecture ("省直辖县级行政区划"), and a
// municipality's districts under a prefecture that repeats the municipality's name: neither adds
// anything to an address, so both are left out.
const PLACEHOLDER_PREFECTURE = /直辖县级行政区划$/;

/**
 * The names from province down to the region itself, as a Chinese address reads
 * (["河北省", "石家庄市", "新乐市"]). A code missing from the data is shown as the code.
 */
export function regionChain(code: string): string[] {
  if (!regionName(code)) return [code];
  const prefixes = code.length === 6 ? [code.slice(0, 2), code.slice(0, 4), code] : code.length === 4 ? [code.slice(0, 2), code] : [code];
  const names = prefixes.map((p) => regionName(p) ?? p);
  const last = names.length - 1;
  return names.filter((name, i) => i === last || (name !== names[i + 1] && !PLACEHOLDER_PREFECTURE.test(name)));
}

/** The catalog's Chinese name; an unknown code is named by the code. */
export function productName(code: string): string {
  return productByCode(code)?.nameZh ?? code;
}
