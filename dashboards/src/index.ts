import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { cellView } from './cell.ts';
import { overview } from './overview.ts';
import { pipeline } from './pipeline.ts';
import { productView } from './product.ts';

// Every dashboard qrm ships, by the file it is written to under dashboards/.

export const dashboards: Record<string, () => Dashboard> = {
  'qrm-overview.json': overview,
  'qrm-cell.json': cellView,
  'qrm-product.json': productView,
  'qrm-pipeline.json': pipeline,
};

/** The file's text: what `npm run dashboards` writes and the test compares with the committed file. */
export function render(build: () => Dashboard): string {
  return `${JSON.stringify(build(), null, 2)}\n`;
}
