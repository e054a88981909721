import type { Rng } from '../../services/simulate/rng.ts';
import type { CountyCell } from './cells.ts';
import { mediaItem, type Sink, type MediaItem } from './records.ts';
import { DAY_MS } from './time.ts';

// Ordinary media coverage of a cell: a Poisson stream of items, mostly neutral, some critical, with
// the long-tailed reach of real outlets and accounts, and never an exposé.

const SOURCES: [string, MediaItem['sourceType']][] = [
  ['某市晚报', 'news'], ['某省电视台', 'news'], ['微博用户', 'social'], ['微信公众号', 'social'],
  ['抖音用户', 'video'], ['本地论坛', 'forum'], ['电商平台评价', 'ecommerce_review'],
];

export async function writeOrdinaryMedia(file: Sink, rng: Rng, idPrefix: string, cell: CountyCell, perDay: number, fromMs: number, toMs: number): Promise<number> {
  let seq = 0;
  for (let ms = fromMs + rng.exponential(perDay / DAY_MS); ms < toMs; ms += rng.exponential(perDay / DAY_MS)) {
    const [source, sourceType] = rng.pick(SOURCES);
    await file.write(
      'media',
      mediaItem({
        id: `${idPrefix}-${++seq}`,
        ms: Math.floor(ms),
        ...cell,
        source,
        sourceType,
        sentiment: Math.max(-1, Math.min(1, rng.normal(0.05, 0.35))),
        reach: Math.exp(rng.normal(Math.log(3000), 1.5)),
      }),
    );
  }
  return seq;
}
