import { describe, expect, it } from 'vitest';
import { exampleRoutesFile, loadRoutes, parseRoutes, route, type Delivery, type WarningToRoute } from '../../../services/transforms/routing/index.ts';

const example = loadRoutes(exampleRoutesFile);

/** recipient id → channels, the part of a routing decision most tests care about. */
const who = (deliveries: Delivery[]) => Object.fromEntries(deliveries.map((d) => [d.recipientId, d.channels]));

const warning = (regionCode: string, level: WarningToRoute['level'], productCode = 'waterproof_membrane'): WarningToRoute => ({ regionCode, productCode, level });

describe('routing with the example file', () => {
  it('sends a level II warning in Xinle to its bureau by email and SMS, escalating to Shijiazhuang, and to the centre', () => {
    const deliveries = route(example, warning('130184', 'II'));
    expect(deliveries).toEqual([
      {
        recipientId: 'xinle-bureau',
        recipient: { name: '新乐市市场监督管理局', email: ['xinle@amr.example.gov.cn'], sms: ['+8613800130184'] },
        channels: ['email', 'sms'],
        groupWaitSeconds: 30,
        repeatIntervalMinutes: 1440,
        sendResolved: true,
        escalateAfterMinutes: 120,
        escalateTo: 'shijiazhuang-bureau',
        routeIndex: 0,
      },
      {
        recipientId: 'risk-centre',
        recipient: { name: '风险评估中心', email: ['risk-centre@example.gov.cn'], sms: ['+8613800000000'] },
        channels: ['email', 'sms'],
        groupWaitSeconds: 60,
        repeatIntervalMinutes: 1440,
        sendResolved: true,
        // The centre is the top of every chain.
        escalateAfterMinutes: null,
        escalateTo: null,
        routeIndex: 11,
      },
    ]);
  });

  it.each([
    ['130184', 'xinle-bureau', 'shijiazhuang-bureau'],
    ['130637', 'boye-bureau', 'baoding-bureau'],
    ['371721', 'caoxian-bureau', 'heze-bureau'],
    ['440515', 'chenghai-bureau', 'shantou-bureau'],
    ['211011', 'taizihe-bureau', 'liaoyang-bureau'],
  ])('routes key region %s to %s, escalating to %s', (region, bureau, above) => {
    const deliveries = route(example, warning(region, 'I'));
    expect(who(deliveries)).toEqual({ [bureau]: ['email', 'sms'], 'risk-centre': ['email', 'sms'] });
    expect(deliveries[0]!.escalateTo).toBe(above);
  });

  it('sends a Guangdong county other than Chenghai only to the centre', () => {
    expect(who(route(example, warning('440103', 'III', 'toy')))).toEqual({ 'risk-centre': ['email'] });
  });

  it('does not page a prefecture bureau for county warnings it only receives by escalation', () => {
    expect(who(route(example, warning('130102', 'I')))).toEqual({ 'risk-centre': ['email', 'sms'] });
  });

  it('puts level IV only in the daily digest, without escalation', () => {
    const deliveries = route(example, warning('130184', 'IV'));
    expect(who(deliveries)).toEqual({ 'xinle-bureau': ['digest'], 'risk-centre': ['digest'] });
    expect(deliveries.map((d) => d.escalateTo)).toEqual([null, null]);
  });

  it('sends level III by email at once, without escalation', () => {
    const deliveries = route(example, warning('130184', 'III'));
    expect(who(deliveries)).toEqual({ 'xinle-bureau': ['email'], 'risk-centre': ['email'] });
    expect(deliveries[0]!.escalateAfterMinutes).toBeNull();
  });

  it('sends a prefecture warning to the prefecture and provincial bureaus and the centre, not the county bureau', () => {
    const deliveries = route(example, warning('1301', 'II'));
    expect(who(deliveries)).toEqual({ 'shijiazhuang-bureau': ['email', 'sms'], 'hebei-bureau': ['email', 'sms'], 'risk-centre': ['email', 'sms'] });
    expect(deliveries[0]!.escalateTo).toBe('hebei-bureau');
  });

  it('sends a Hebei province warning to the provincial bureau and the centre', () => {
    expect(Object.keys(who(route(example, warning('13', 'I'))))).toEqual(['hebei-bureau', 'risk-centre']);
  });

  it('sends a prefecture warning outside Hebei to that prefecture only, besides the centre', () => {
    expect(Object.keys(who(route(example, warning('4405', 'I', 'toy'))))).toEqual(['shantou-bureau', 'risk-centre']);
  });
});

const two = `version: 1
defaults: { escalateAfterMinutes: 90 }
recipients:
  a: { name: A, email: [a@example.gov.cn], sms: ["+8613800000001"], escalateTo: b }
  b: { name: B, email: [b@example.gov.cn] }
routes:
`;

describe('routing rules', () => {
  it('stops at the first matching route unless it continues', () => {
    const routes = parseRoutes(
      `${two}  - match: { regions: ["13"] }
    to: [a]
    channels: { I: [email] }
  - to: [b]
    channels: { I: [email] }
`,
      'first.yaml',
    );
    expect(who(route(routes, warning('130184', 'I')))).toEqual({ a: ['email'] });
    expect(who(route(routes, warning('440515', 'I')))).toEqual({ b: ['email'] });
  });

  it('matches a region prefix against longer codes only', () => {
    const routes = parseRoutes(
      `${two}  - match: { regions: ["130184"] }
    to: [a]
    channels: { I: [email] }
    continue: true
  - match: { regions: ["13"] }
    to: [b]
    channels: { I: [email] }
`,
      'prefix.yaml',
    );
    expect(who(route(routes, warning('130184', 'I')))).toEqual({ a: ['email'], b: ['email'] });
    expect(who(route(routes, warning('1301', 'I')))).toEqual({ b: ['email'] });
    expect(who(route(routes, warning('13', 'I')))).toEqual({ b: ['email'] });
  });

  it('matches products, levels and region levels', () => {
    const routes = parseRoutes(
      `${two}  - match: { products: [toy], levels: [I, II], regionLevels: [county] }
    to: [a]
    channels: { I: [email], II: [email] }
`,
      'match.yaml',
    );
    expect(who(route(routes, warning('440515', 'I', 'toy')))).toEqual({ a: ['email'] });
    expect(route(routes, warning('440515', 'I', 'coating'))).toEqual([]);
    expect(route(routes, warning('440515', 'III', 'toy'))).toEqual([]);
    expect(route(routes, warning('4405', 'I', 'toy'))).toEqual([]);
  });

  it('gives a recipient reached by two routes one delivery with all channels and the most urgent timings', () => {
    const routes = parseRoutes(
      `${two}  - to: [a]
    channels: { I: [digest] }
    groupWaitSeconds: 600
    sendResolved: false
    escalateAfterMinutes: null
    continue: true
  - to: [b, a]
    channels: { I: [email] }
    repeatIntervalMinutes: 60
    continue: true
  - to: [a]
    channels: { I: [sms] }
`,
      'merge.yaml',
    );
    const deliveries = route(routes, warning('130184', 'I'));
    expect(deliveries.map((d) => d.recipientId)).toEqual(['a', 'b']);
    expect(deliveries[0]).toEqual({
      recipientId: 'a',
      recipient: { name: 'A', email: ['a@example.gov.cn'], sms: ['+8613800000001'] },
      channels: ['email', 'sms', 'digest'],
      groupWaitSeconds: 30,
      repeatIntervalMinutes: 60,
      sendResolved: true,
      escalateAfterMinutes: 90,
      escalateTo: 'b',
      routeIndex: 0,
    });
  });

  it('escalates only the configured levels, and not at all when switched off', () => {
    const routes = parseRoutes(
      `${two}  - match: { levels: [I] }
    to: [a]
    channels: { I: [email] }
    escalateLevels: [I]
    continue: true
  - match: { levels: [II] }
    to: [a]
    channels: { II: [email] }
    escalateAfterMinutes: null
  - to: [a]
    channels: { III: [email] }
    escalateLevels: [I]
`,
      'escalation.yaml',
    );
    expect(route(routes, warning('130184', 'I'))[0]).toMatchObject({ escalateAfterMinutes: 90, escalateTo: 'b' });
    expect(route(routes, warning('130184', 'II'))[0]).toMatchObject({ escalateAfterMinutes: null, escalateTo: null });
    expect(route(routes, warning('130184', 'III'))[0]).toMatchObject({ escalateAfterMinutes: null, escalateTo: null });
  });

  it('sends nothing for a level the matching route leaves out, and still stops there', () => {
    const routes = parseRoutes(
      `${two}  - match: { regions: ["13"] }
    to: [a]
    channels: { I: [email] }
  - to: [b]
    channels: { IV: [digest] }
`,
      'gap.yaml',
    );
    expect(route(routes, warning('130184', 'IV'))).toEqual([]);
    expect(who(route(routes, warning('440515', 'IV')))).toEqual({ b: ['digest'] });
  });
});
