import type { WarningEventV1 } from '../../../schemas/outputs/warning-event.ts';
import { displayScore, levelName, productName, regionChain, type Level } from '../email/names.ts';
import { SMS_SEGMENT_CHARS, smsLength, truncate } from './length.ts';
import { shortProductName } from './short-names.ts';

export { SMS_SEGMENT_CHARS, smsLength } from './length.ts';

// One warning as one SMS: "[qrm] II级预警 河北省石家庄市新乐市 防水卷材 评分82 确认码 K7Q2 详情 https://…".
//
// Policy: every message is ONE segment (at most SMS_SEGMENT_CHARS = 70 UCS-2 units). A second
// segment doubles the cost of a national fan-out, and segments of one message can arrive apart or
// not at all, leaving a bureau with half an alert. The text is shortened in a fixed order until it
// fits: drop the province, then the prefecture, then use the short product name, then cut the region
// name with "…" (keeping at least MIN_REGION units). If even that leaves no room for the link, the
// link is dropped and the same steps run again without it: the code alone still lets a bureau
// acknowledge. Without a link the fixed part is at most 46 units, so the message always fits.
//
// A gateway that appends its own signature ("【某市市场监管局】") counts it against the same 70.

export type SmsOptions = {
  /** A short link to the warning; kept while it fits. */
  link?: string;
};

// Bounds the fixed part of the message; the dispatcher's codes are six characters.
const ACK_CODE = /^[0-9A-Za-z]{1,12}$/;

// "双江…": two characters of the county and the ellipsis still point a bureau to the right place.
const MIN_REGION = 3;

type Event = WarningEventV1['event'];

const headline: Record<Event, (level: Level) => string> = {
  opened: (l) => `${levelName(l)}预警`,
  escalated: (l) => `升至${levelName(l)}预警`,
  deescalated: (l) => `降至${levelName(l)}预警`,
  resolved: (l) => `${levelName(l)}预警解除`,
  acknowledged: (l) => `${levelName(l)}预警已确认`,
};

// A closed warning needs no acknowledgement; its code is only a reference.
const codeLabel: Record<Event, string> = { opened: '确认码', escalated: '确认码', deescalated: '确认码', resolved: '编号', acknowledged: '编号' };

export function renderSms(event: WarningEventV1, code: string, options: SmsOptions = {}): string {
  if (!ACK_CODE.test(code)) throw new RangeError(`SMS code must be 1–12 letters or digits, got ${JSON.stringify(code)}`);
  const chain = regionChain(event.regionCode);
  const regions = [chain.join(''), chain.slice(1).join(''), chain.at(-1)!];
  const product = productName(event.productCode);
  const shortProduct = shortProductName(event.productCode);
  const head = headline[event.event](event.level);
  const tail = `评分${displayScore(event.score)} ${codeLabel[event.event]} ${code}`;

  const fit = (link: string | undefined): string | undefined => {
    const compose = (region: string, name: string) => `[qrm] ${head} ${region} ${name} ${tail}${link ? ` 详情 ${link}` : ''}`;
    const steps = [...regions.map((r) => compose(r, product)), compose(regions[2]!, shortProduct)];
    const fitting = steps.find((text) => smsLength(text) <= SMS_SEGMENT_CHARS);
    if (fitting) return fitting;
    const room = SMS_SEGMENT_CHARS - smsLength(compose('', shortProduct));
    return room >= MIN_REGION ? compose(truncate(regions[2]!, room), shortProduct) : undefined;
  };

  // Without a link the fixed part is at most 46 units (see the policy above), so this always fits.
  return (options.link ? fit(options.link) : undefined) ?? fit(undefined)!;
}
