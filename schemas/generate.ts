import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { dlqHeadersV1 } from './dlq/headers.ts';
import { feedSchemasV1 } from './feeds/v1/index.ts';
import { inspectionRequestV1 } from './outputs/inspection-request.ts';
import { warningEventV1 } from './outputs/warning-event.ts';

// The JSON Schema files are generated from the zod schemas, never edited by hand; a test fails when
// the committed files differ from what this produces. Run with `npm run schemas`.

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

const titles = {
  hotline: ['qrm.hotline.complaints', '12365 hotline ticket (feeds v1)'],
  media: ['qrm.media.sentiment', 'Media monitoring item (feeds v1)'],
  spotcheck: ['qrm.spotcheck.results', 'Spot-check (监督抽查) result (feeds v1)'],
} as const;

export function generatedSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  // The "now" only feeds the future-timestamp refinement, which JSON Schema cannot express anyway.
  const ctx = { now: () => 0 };
  for (const [feed, build] of Object.entries(feedSchemasV1)) {
    const [topic, title] = titles[feed as keyof typeof titles];
    const schema = z.toJSONSchema(build(ctx), { io: 'input', unrepresentable: 'any' });
    out[`feeds/v1/${feed}.schema.json`] = render({
      $id: `https://qrm.example/schemas/feeds/v1/${feed}.schema.json`,
      title,
      description: `Messages on ${topic}. Rules JSON Schema cannot express (known region and product codes, credit-code check digits, timestamps no more than a day ahead, failedItems consistent with result) are in shared/contracts/feeds-v1.md and enforced by schemas/feeds/v1/${feed}.ts.`,
      ...schema,
    });
  }
  out['dlq/headers.v1.schema.json'] = render({
    $id: 'https://qrm.example/schemas/dlq/headers.v1.schema.json',
    title: 'qrm.dlq message headers (v1)',
    ...z.toJSONSchema(dlqHeadersV1, { io: 'input' }),
  });
  out['outputs/warning-event.v1.schema.json'] = render({
    $id: 'https://qrm.example/schemas/outputs/warning-event.v1.schema.json',
    title: 'qrm.risk.warnings message (v1)',
    ...z.toJSONSchema(warningEventV1, { io: 'output' }),
  });
  out['outputs/inspection-request.v1.schema.json'] = render({
    $id: 'https://qrm.example/schemas/outputs/inspection-request.v1.schema.json',
    title: 'qrm.inspection.requests message (v1)',
    ...z.toJSONSchema(inspectionRequestV1, { io: 'output' }),
  });
  return out;
}

function render(schema: object): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [path, text] of Object.entries(generatedSchemas())) writeFileSync(here(path), text);
  console.log('schemas written');
}
