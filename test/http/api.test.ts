import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warningEventV1 } from '../../schemas/outputs/warning-event.ts';
import type { ClickHouse } from '../../services/clients/clickhouse.ts';
import type { Config } from '../../services/config/index.ts';
import { storeWarningEvents } from '../../services/sinks/warnings/store.ts';
import type { WarningEvent } from '../../services/transforms/warnings/state.ts';
import { buildApp, count, openClickHouse, testConfig } from '../support/app.ts';
import { consumeAll, testKafka, uniqueTopics } from '../support/kafka.ts';

// The bureaus' API over real HTTP, with the api service as `qrm run --services api` builds it: two
// bureaus (Xinle, a county; Guangdong, a province), each seeing and acting on its own regions only.
// Acknowledgements are checked where they land: ClickHouse and the warnings topic.

const XINLE = 'xinle-token-0123456789';
const GUANGDONG = 'guangdong-token-0123456789';
const topics = uniqueTopics('api');
const kafka = testKafka();
let config: Config;
let ch: ClickHouse;
let app: ReturnType<typeof buildApp>['app'];
let base: string;

const T = Date.now() - 3_600_000;
function event(warningId: string, regionCode: string, o: Partial<WarningEvent> = {}): WarningEvent {
  const at = new Date(T).toISOString();
  return {
    warningId,
    event: 'opened',
    evaluatedAt: at,
    productCode: 'waterproof_membrane',
    regionCode,
    regionLevel: regionCode.length === 6 ? 'county' : regionCode.length === 4 ? 'prefecture' : 'province',
    level: 'II',
    previousLevel: null,
    score: 78,
    openedAt: at,
    evidence: {
      formula: 'score = …',
      thresholds: { I: 85, II: 70, III: 50, IV: 30 },
      counties: 1,
      signals: [{ source: 'complaints', z: 7.8, contribution: 78, observed: { weightedVoices: 60 }, expected: { weightedVoices: 6 }, findings: ['surge'] }],
      samples: { complaints: ['12365-1'] },
    },
    ...o,
  };
}

const W = {
  xinleOpen: 'W-C-waterproof_membrane-130184-A1',
  xinleResolved: 'W-C-waterproof_membrane-130184-A2',
  chenghai: 'W-C-toy-440515-A3',
  shantou: 'W-P-toy-4405-A4',
  boye: 'W-C-coating-130637-A5',
};

beforeAll(async () => {
  config = testConfig({
    ...topics.env,
    QRM_TOPIC_WARNINGS: `${topics.id}.warnings`,
    QRM_API_TOKENS: JSON.stringify({ [XINLE]: { bureau: 'xinle-bureau', regions: ['130184'] }, [GUANGDONG]: { bureau: 'guangdong-bureau', regions: ['44'] } }),
  });
  ch = await openClickHouse(config);
  await storeWarningEvents(ch, [
    event(W.xinleOpen, '130184'),
    event(W.xinleResolved, '130184', { level: 'III', score: 55 }),
    event(W.xinleResolved, '130184', { event: 'resolved', level: 'III', score: 20, evaluatedAt: new Date(T + 60_000).toISOString(), evidence: null }),
    event(W.chenghai, '440515', { productCode: 'toy', level: 'I', score: 90 }),
    event(W.shantou, '4405', { productCode: 'toy', level: 'III', score: 52 }),
    event(W.boye, '130637', { productCode: 'coating' }),
  ]);
  app = buildApp(config, ch, ['api']).app;
  const { port } = await app.start();
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await app?.stop();
  await ch?.close();
});

async function call(token: string | undefined, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  // Untyped, as any API client sees it: the assertions say what shape is expected.
  return { status: res.status, body: (await res.json()) as any };
}

const ids = (rows: { warning_id: string }[]) => rows.map((r) => r.warning_id).sort();

describe('authentication', () => {
  it('refuses a request without a token, with an unknown token, or with another scheme', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer not-a-known-token-000' }, { authorization: `Basic ${XINLE}` }, { authorization: 'Bearer' }];
    for (const headers of attempts) {
      const res = await fetch(`${base}/api/warnings`, { headers });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'missing or unknown bearer token' });
    }
  });

  // Regression: tokens were looked up as plain object keys, so "constructor" or "__proto__" found
  // Object.prototype's members, passed as a caller without regions, and listed every warning.
  it('refuses tokens that name members of Object.prototype', async () => {
    for (const token of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const { status } = await call(token, 'GET', '/api/warnings');
      expect(status, token).toBe(401);
    }
  });

  it('leaves /healthz open', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});

describe('warnings', () => {
  it('lists only the warnings in the caller’s regions, open ones with ?open=1', async () => {
    expect(ids((await call(XINLE, 'GET', '/api/warnings')).body)).toEqual([W.xinleOpen, W.xinleResolved]);
    expect(ids((await call(XINLE, 'GET', '/api/warnings?open=1')).body)).toEqual([W.xinleOpen]);
    expect(ids((await call(GUANGDONG, 'GET', '/api/warnings')).body)).toEqual([W.shantou, W.chenghai].sort());
  });

  it('shows a warning in scope, refuses one outside it, and knows no unknown one', async () => {
    const shown = await call(XINLE, 'GET', `/api/warnings/${W.xinleOpen}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ warning_id: W.xinleOpen, region_code: '130184', level: 'II', warningId: W.xinleOpen });
    expect(shown.body.events).toHaveLength(1);
    expect(shown.body.events[0].evidence.signals[0].source).toBe('complaints');
    expect(await call(XINLE, 'GET', `/api/warnings/${W.chenghai}`)).toEqual({ status: 403, body: { error: "warning is outside xinle-bureau's regions" } });
    expect((await call(GUANGDONG, 'GET', `/api/warnings/${W.boye}`)).status).toBe(403);
    expect(await call(XINLE, 'GET', '/api/warnings/W-nope')).toEqual({ status: 404, body: { error: 'no such warning' } });
  });

  it('acknowledges: feedback recorded, an acknowledged event stored and published on the warnings topic', async () => {
    const res = await call(GUANGDONG, 'POST', `/api/warnings/${W.chenghai}/ack`, { comment: '已派员核查' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ warningId: W.chenghai, event: 'acknowledged', level: 'I', regionCode: '440515' });
    expect(await count(ch, "SELECT count() FROM warning_feedback WHERE warning_id = {id:String} AND kind = 'ack' AND author = 'guangdong-bureau' AND comment = '已派员核查'", { id: W.chenghai })).toBe(1);
    expect(await count(ch, "SELECT count() FROM warnings WHERE warning_id = {id:String} AND event = 'acknowledged'", { id: W.chenghai })).toBe(1);
    const [m, ...more] = await consumeAll(kafka, config.kafka.topics.warnings, 1, 20_000);
    expect(more).toEqual([]);
    expect(m!.key).toBe(W.chenghai);
    const published = warningEventV1.parse(JSON.parse(m!.value!.toString()));
    expect(published).toMatchObject({ warningId: W.chenghai, event: 'acknowledged', level: 'I', previousLevel: 'I', evidence: null, productCode: 'toy' });
    // An acknowledgement is not a state change: the warning stays open at its level and score.
    const [listed] = (await call(GUANGDONG, 'GET', '/api/warnings?open=1')).body.filter((w: { warning_id: string }) => w.warning_id === W.chenghai);
    expect(listed).toMatchObject({ last_event: 'opened', level: 'I', score: 90 });
  });

  it('refuses to acknowledge or report on a warning outside the caller’s regions, recording nothing', async () => {
    expect((await call(XINLE, 'POST', `/api/warnings/${W.boye}/ack`, {})).status).toBe(403);
    expect((await call(XINLE, 'POST', `/api/warnings/${W.boye}/outcome`, { enterprisesInspected: 1, violationsFound: 0 })).status).toBe(403);
    expect(await count(ch, 'SELECT count() FROM warning_feedback WHERE warning_id = {id:String}', { id: W.boye })).toBe(0);
  });

  it('records an inspection outcome, shown with the warning', async () => {
    const res = await call(XINLE, 'POST', `/api/warnings/${W.xinleOpen}/outcome`, { enterprisesInspected: 3, violationsFound: 1, comment: '抽查 3 家，1 家不合格' });
    expect(res.status).toBe(200);
    expect(res.body.warningId).toBe(W.xinleOpen);
    const shown = await call(XINLE, 'GET', `/api/warnings/${W.xinleOpen}`);
    expect(shown.body.feedback).toEqual([
      expect.objectContaining({ kind: 'outcome', author: 'xinle-bureau', comment: '抽查 3 家，1 家不合格', enterprises_inspected: 3, violations_found: 1 }),
    ]);
  });

  it('answers a bad body with 400 and a message that names the field', async () => {
    const negative = await call(XINLE, 'POST', `/api/warnings/${W.xinleOpen}/outcome`, { enterprisesInspected: -1, violationsFound: 0 });
    expect(negative.status).toBe(400);
    expect(negative.body.error).toMatch(/enterprisesInspected/);
    const missing = await call(XINLE, 'POST', `/api/warnings/${W.xinleOpen}/outcome`, { enterprisesInspected: 2 });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/violationsFound/);
    // More enterprises with violations than were inspected cannot be true, and would skew calibration.
    const impossible = await call(XINLE, 'POST', `/api/warnings/${W.xinleOpen}/outcome`, { enterprisesInspected: 1, violationsFound: 2 });
    expect(impossible.status).toBe(400);
    expect(impossible.body.error).toMatch(/violationsFound/);
    expect(await call(XINLE, 'POST', `/api/warnings/${W.xinleOpen}/ack`, '{"comment": ')).toEqual({ status: 400, body: { error: 'body is not JSON' } });
    expect((await call(XINLE, 'POST', '/api/silences', { regionPrefix: '130184', hours: 'two', reason: 'x' })).status).toBe(400);
    const product = await call(XINLE, 'POST', '/api/silences', { regionPrefix: '130184', productCode: 'waterproof_membrain', hours: 2, reason: 'x' });
    expect(product).toEqual({ status: 400, body: { error: expect.stringContaining('unknown product code waterproof_membrain') } });
    expect(await count(ch, "SELECT count() FROM warning_feedback WHERE warning_id = {id:String} AND kind = 'outcome'", { id: W.xinleOpen })).toBe(1);
  });
});

describe('silences', () => {
  it('adds within the caller’s regions only, lists them per caller, and expires them', async () => {
    const xinle = await call(XINLE, 'POST', '/api/silences', { regionPrefix: '130184', productCode: 'waterproof_membrane', hours: 2, reason: '已在处置' });
    expect(xinle.status).toBe(201);
    expect(xinle.body.silenceId).toMatch(/^S-/);
    const gd = await call(GUANGDONG, 'POST', '/api/silences', { regionPrefix: '4405', hours: 1, reason: '专项检查中' });
    expect(gd.status).toBe(201);
    // Wider than the caller's own regions, or someone else's.
    expect((await call(XINLE, 'POST', '/api/silences', { regionPrefix: '1301', hours: 2, reason: 'x' })).status).toBe(403);
    expect((await call(XINLE, 'POST', '/api/silences', { regionPrefix: '440515', hours: 2, reason: 'x' })).status).toBe(403);

    const listed = (await call(XINLE, 'GET', '/api/silences')).body as { silence_id: string; region_prefix: string; author: string }[];
    expect(listed.map((s) => s.silence_id)).toEqual([xinle.body.silenceId]);
    expect(listed[0]).toMatchObject({ region_prefix: '130184', product_code: 'waterproof_membrane', author: 'xinle-bureau', reason: '已在处置' });
    expect((await call(GUANGDONG, 'GET', '/api/silences')).body.map((s: { silence_id: string }) => s.silence_id)).toEqual([gd.body.silenceId]);

    expect((await call(GUANGDONG, 'POST', `/api/silences/${xinle.body.silenceId}/expire`)).status).toBe(403);
    expect((await call(XINLE, 'POST', '/api/silences/S-nope/expire')).status).toBe(404);
    expect(await call(XINLE, 'POST', `/api/silences/${xinle.body.silenceId}/expire`)).toEqual({ status: 200, body: { silenceId: xinle.body.silenceId, expired: true } });
    expect((await call(XINLE, 'GET', '/api/silences')).body).toEqual([]);
    expect((await call(GUANGDONG, 'GET', '/api/silences')).body).toHaveLength(1);
  });
});
