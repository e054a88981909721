import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generatedSchemas } from '../../schemas/generate.ts';

// The JSON Schema files other teams read are generated from the zod schemas qrm enforces. This test
// fails when someone changes one without regenerating the other (`npm run schemas`).

describe('generated JSON Schema files', () => {
  const generated = generatedSchemas();

  it.each(Object.keys(generated))('%s is up to date', (path) => {
    const committed = readFileSync(fileURLToPath(new URL(`../../schemas/${path}`, import.meta.url)), 'utf8');
    expect(committed, `schemas/${path} is stale: run npm run schemas`).toBe(generated[path]);
  });

  it('covers the three feeds, the dead-letter headers, the warning events and the inspection requests', () => {
    expect(Object.keys(generated).sort()).toEqual(['dlq/headers.v1.schema.json', 'feeds/v1/hotline.schema.json', 'feeds/v1/media.schema.json', 'feeds/v1/spotcheck.schema.json', 'outputs/inspection-request.v1.schema.json', 'outputs/warning-event.v1.schema.json']);
  });

  it('lists the Chinese labels the contract accepts', () => {
    const hotline = JSON.parse(generated['feeds/v1/hotline.schema.json']!) as { properties: Record<string, { enum?: string[] }>; required: string[] };
    expect(hotline.properties.kind?.enum).toEqual(expect.arrayContaining(['complaint', '投诉', 'report', '举报']));
    expect(hotline.required).toEqual(expect.arrayContaining(['id', 'receivedAt', 'kind', 'regionCode', 'productCode', 'issue']));
    expect(hotline.required).not.toContain('complainant');
  });
});
