import { chTime } from '../../services/transforms/normalize/rows.ts';

// Rows for the raw tables, written straight into ClickHouse (the materialized views fire as they do
// for ingest) so scoring tests control exactly what history a cell has.

const HOUR = 3_600_000;
const base = { source_topic: 'test', source_partition: 0, source_offset: 0, ingested_at: chTime(Date.UTC(2026, 0, 1)) };

export function complaint(id: string, at: number, o: Partial<{ product: string; region: string; phoneHash: string; issue: string; harm: string; kind: string; enterprise: string }> = {}) {
  const region = o.region ?? '130184';
  return {
    id,
    received_at: chTime(at),
    channel: 'phone',
    kind: o.kind ?? 'complaint',
    region_code: region,
    prefecture_code: region.slice(0, 4),
    province_code: region.slice(0, 2),
    product_code: o.product ?? 'waterproof_membrane',
    product_name: '',
    enterprise_credit_code: o.enterprise ?? '',
    enterprise_name: '',
    issue: o.issue ?? 'quality_defect',
    harm: o.harm ?? 'none',
    description: '',
    complainant_phone_hash: o.phoneHash ?? '',
    ...base,
  };
}

export function mediaItem(id: string, at: number, o: Partial<{ product: string; regions: string[]; sentiment: number; reach: number; exposure: boolean }> = {}) {
  return {
    id,
    published_at: chTime(at),
    source: '中央电视台',
    source_type: 'news',
    url: '',
    title: '',
    region_codes: o.regions ?? ['130184'],
    product_code: o.product ?? 'waterproof_membrane',
    enterprise_credit_codes: [],
    sentiment: o.sentiment ?? -0.2,
    reach: o.reach ?? 100,
    exposure: o.exposure ? 1 : 0,
    ...base,
  };
}

export function spotCheck(id: string, at: number, o: Partial<{ product: string; region: string; result: string; hazards: string[]; enterprise: string }> = {}) {
  const region = o.region ?? '130184';
  const hazards = o.result === 'fail' ? (o.hazards ?? ['safety']) : [];
  return {
    id,
    sampled_at: chTime(at - 10 * 24 * HOUR),
    published_at: chTime(at),
    level: 'provincial',
    region_code: region,
    prefecture_code: region.slice(0, 4),
    province_code: region.slice(0, 2),
    product_code: o.product ?? 'waterproof_membrane',
    enterprise_credit_code: o.enterprise ?? '',
    enterprise_name: '',
    batch: '',
    result: o.result ?? 'pass',
    'failed_items.item': hazards.map((h) => `item-${h}`),
    'failed_items.hazard': hazards,
    lab: '',
    ...base,
  };
}

/** A steady, mildly overdispersed daily count: 1, 2, 3, 2, 1, 3, 2, ... */
export function background(days: number, end: number, make: (i: number, at: number) => Record<string, unknown>): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  let n = 0;
  for (let d = days; d >= 1; d--) {
    const perDay = [1, 2, 3, 2, 1, 3, 2][d % 7]!;
    for (let j = 0; j < perDay; j++) rows.push(make(n++, end - d * 24 * HOUR + (j + 1) * 2 * HOUR));
  }
  return rows;
}

export const hours = (n: number) => n * HOUR;
