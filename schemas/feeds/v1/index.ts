import { hotlineV1 } from './hotline.ts';
import { mediaV1 } from './media.ts';
import { spotcheckV1 } from './spotcheck.ts';

export type { HotlineRecord } from './hotline.ts';
export type { MediaRecord } from './media.ts';
export type { SpotcheckRecord } from './spotcheck.ts';
export type { SchemaContext } from './common.ts';

export const feedSchemasV1 = { hotline: hotlineV1, media: mediaV1, spotcheck: spotcheckV1 } as const;

export type Feed = keyof typeof feedSchemasV1;
export const feeds = Object.keys(feedSchemasV1) as Feed[];
