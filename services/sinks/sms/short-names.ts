import { productName } from '../email/names.ts';
import { truncate } from './length.ts';

// Short product names for SMS, where every character counts. Only catalog names longer than
// SHORT_NAME_CHARS need one (a test holds the catalog to that); the short name keeps the noun an
// inspector would say, dropping the use or standard qualifier ("钢筋混凝土用热轧带肋钢筋" → "带肋钢筋").

export const SHORT_NAME_CHARS = 6;

const shortNames: Record<string, string> = {
  steel_rebar: '带肋钢筋',
  plastic_pipe: '塑料水管',
  adhesive: '装修胶粘剂',
  water_saving_product: '节水器具',
  turbocharger: '涡轮增压器',
  auto_battery: '铅酸蓄电池',
  face_mask: '防护口罩',
};

/** At most SHORT_NAME_CHARS characters: the table's name, or the catalog name cut with "…". */
export function shortProductName(code: string): string {
  return truncate(shortNames[code] ?? productName(code), SHORT_NAME_CHARS);
}
