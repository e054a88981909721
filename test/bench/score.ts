import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { connectClickHouse, type ClickHouse } from '../../services/clients/clickhouse.ts';
import { loadConfig } from '../../services/config/index.ts';
import { products } from '../../services/domain/catalog.ts';
import { CREDIT_CODE_ALPHABET, makeCreditCode } from '../../services/domain/credit-code.ts';
import { counties } from '../../services/domain/regions.ts';
import { migrate } from '../../services/sinks/clickhouse/migrate.ts';
import { render } from '../../services/sinks/clickhouse/sql.ts';
import { createLogger } from '../../services/telemetry/logger.ts';
import { stageDaySignals } from '../../services/transforms/score/day-signals.ts';
import { historyDaysAt, sealHistory } from '../../services/transforms/score/history.ts';
import { passQuery, scorePass } from '../../services/transforms/score/pass.ts';
import { cpuSecondsOf, formatTable, machineBusySeconds, machineInfo, median, memoryOf, resetPeakRss, round, sleep } from './lib.ts';

// Scoring-pass benchmark: `npm run bench:score [-- --quick --data DIR ...]` (--help lists options).
//
// Each case (cells × days of history) gets its own database in one embedded chDB, filled by
// INSERT ... SELECT FROM numbers() into the RAW tables, so the materialized views build the
// aggregates exactly as they do in production (same states, same part layout after merges). A case
// is never a subset of a bigger database: score.sql scores every cell it finds, so the only honest
// way to time fewer cells or a shorter history is a database that holds only those. The cell sets
// are nested (the first N product × county pairs in a fixed hash order), so 10k cells are a subset
// of the 100k ones. After generating, the benchmark waits for background merges to finish, which is
// where a long-running system's history is too. A database reused from an earlier run is first
// brought to the current schema (migrations and their backfills, timed), and its complaint and media
// history is sealed at t (timed apart: the one-off cost after an upgrade), and each month of the sealed
// history is merged into one part, as a running system does five minutes after a seal (mergeSealed).
// Then it times `scorePass` (the
// history check, score.sql for all three region levels, the samples query) `--runs` times at t = the
// end of the history, `--gap` seconds apart as the live service's passes are (back-to-back passes reuse
// memory the previous one faulted in, and run faster than any pass in production). The first run is
// reported as cold (first use of the data by this process; the OS page cache is warm from generation).
//
// For the largest case it also times every CTE of score.sql on its own: the prefix up to the final
// SELECT plus `SELECT count() FROM <cte>`, and again with every column hashed, because count() lets
// ClickHouse drop aggregates nobody reads (c_obs then costs only its GROUP BY keys). ClickHouse
// inlines CTEs, so each figure includes everything that CTE reads.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const daySignalsSqlFile = join(root, 'services/transforms/score/day-signals.sql');
const MB = 1_048_576;

/** The end of every generated history, and the `t` of every pass: a fixed instant keeps runs comparable. */
const T_END = new Date('2026-01-05T00:00:00Z');
const DAY_MS = 86_400_000;
const ENTERPRISES_PER_PRODUCT = 200;
const ENTERPRISES_PER_CELL = 8;
/** One cell in OUTBREAK_EVERY gets an outbreak in the last 72 hours, so passes produce warnings and run the samples query. */
const OUTBREAK_EVERY = 250;

type Shape = { cells: number; days: number };

type Options = {
  quick: boolean;
  largest: Shape;
  cellSeries: number[];
  daySeries: number[];
  /** Complaints (all kinds) per cell per day, on average. */
  rate: number;
  runs: number;
  /** Idle seconds before each pass after the first, as between the live service's passes. */
  gapSeconds: number;
  cteRuns: number;
  chunkRows: number;
  seed: number;
  settleSeconds: number;
  breakdown: 'count' | 'all' | 'both' | 'none';
  out: string;
  data?: string;
};

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      cells: { type: 'string' },
      days: { type: 'string' },
      'cells-series': { type: 'string' },
      'days-series': { type: 'string' },
      rate: { type: 'string', default: '0.75' },
      runs: { type: 'string', default: '3' },
      gap: { type: 'string' },
      'cte-runs': { type: 'string', default: '1' },
      chunk: { type: 'string', default: '5000000' },
      seed: { type: 'string', default: '1' },
      'settle-seconds': { type: 'string', default: '900' },
      breakdown: { type: 'string' },
      out: { type: 'string' },
      data: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(
      [
        'usage: npm run bench:score -- [options]',
        '  --quick                 10k cells x 100 days, small series (also BENCH_QUICK=1); writes score-quick.json',
        '  --cells N --days D      the largest case (default 100000 x 400)',
        '  --cells-series A,B,...  cell counts timed at --days (default 10000,30000,100000; quick 3000,10000)',
        '  --days-series A,B,...   history lengths timed at --cells (default 100,200,400; quick 50,100)',
        '  --rate R                complaints per cell-day, all kinds (default 0.75)',
        '  --runs N                passes per case; the median is reported, the first also as cold (default 3)',
        '  --gap S                 idle seconds before each pass after the first (default 30; quick 0): the live service',
        '                          scores every 5 minutes, and back-to-back passes run up to a quarter faster than that',
        '  --cte-runs N            timings per CTE in the breakdown, median (default 1)',
        '  --chunk N               rows per INSERT ... SELECT (default 5000000)',
        '  --seed N                generator seed (default 1)',
        '  --settle-seconds N      longest wait for background merges after generating (default 900)',
        '  --breakdown MODE        per-CTE timings of the largest case: count (SELECT count(), as specified), all (every',
        '                          column computed), both, none (default both; quick: count)',
        '  --data DIR              keep the chDB data in DIR and reuse databases generated with the same settings',
        '  --out FILE              result JSON (default test/bench/results/score.json)',
        '',
      ].join('\n'),
    );
    process.exit(0);
  }
  const int = (name: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: expected an integer >= ${min}, got ${v}`);
    return n;
  };
  const list = (name: string, v: string) => v.split(',').map((x) => int(name, x.trim(), 1));
  const quick = values.quick || process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true';
  const largest = {
    cells: int('cells', values.cells ?? (quick ? '10000' : '100000'), 1),
    days: int('days', values.days ?? (quick ? '100' : '400'), 1),
  };
  const maxCells = products.length * counties().length;
  if (largest.cells > maxCells) throw new Error(`--cells: the catalog and the county list give at most ${maxCells} cells`);
  const rate = Number(values.rate);
  if (!(rate > 0 && rate <= 100)) throw new Error(`--rate: expected a number in (0, 100], got ${values.rate}`);
  const cellSeries = list('cells-series', values['cells-series'] ?? (quick ? '3000,10000' : '10000,30000,100000'));
  const daySeries = list('days-series', values['days-series'] ?? (quick ? '50,100' : '100,200,400'));
  if (cellSeries.some((c) => c > maxCells)) throw new Error(`--cells-series: at most ${maxCells} cells`);
  return {
    quick,
    largest,
    cellSeries,
    daySeries,
    rate,
    runs: int('runs', values.runs, 1),
    gapSeconds: int('gap', values.gap ?? (quick ? '0' : '30'), 0),
    cteRuns: int('cte-runs', values['cte-runs'], 1),
    chunkRows: int('chunk', values.chunk, 10_000),
    seed: int('seed', values.seed, 0),
    settleSeconds: int('settle-seconds', values['settle-seconds'], 0),
    breakdown: breakdownMode(values.breakdown ?? (quick ? 'count' : 'both')),
    out: resolve(values.out ?? join(root, 'test/bench/results', quick ? 'score-quick.json' : 'score.json')),
    data: values.data ? resolve(values.data) : undefined,
  };
}

function breakdownMode(v: string): Options['breakdown'] {
  if (v === 'count' || v === 'all' || v === 'both' || v === 'none') return v;
  throw new Error(`--breakdown: expected count, all, both or none, got ${v}`);
}

/** Every distinct case, smallest work first, so the largest (and its breakdown) comes last. */
function casesOf(o: Options): Shape[] {
  const all = [
    ...o.cellSeries.map((cells) => ({ cells, days: o.largest.days })),
    ...o.daySeries.map((days) => ({ cells: o.largest.cells, days })),
    o.largest,
  ];
  const unique = new Map(all.map((s) => [`${s.cells}x${s.days}`, s]));
  return [...unique.values()].sort((a, b) => a.cells * a.days - b.cells * b.days);
}

const dbName = (s: Shape) => `qrm_c${s.cells}_d${s.days}`;

/** The same client pointed at another database: every query here names its database explicitly. */
const withDatabase = (ch: ClickHouse, database: string): ClickHouse => ({ ...ch, database });

async function rows<T>(ch: ClickHouse, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await ch.client.query({ query, query_params: params, format: 'JSONEachRow' });
  return (await rs.json()) as T[];
}

const seconds = (from: number) => (performance.now() - from) / 1000;
const log = (msg: string) => process.stdout.write(`[bench:score] ${msg}\n`);

// ---------------------------------------------------------------------------------------------------
// Generated data: helper tables
//
// qrm_bench holds what the generator joins against: a pool of enterprises per product (real-looking
// credit codes with valid check characters) and, per case, the cells with their names, eight local
// enterprises each, and a sibling cell of the same product (the second county a media item names).

const BENCH_DB = 'qrm_bench';

/** A deterministic pseudo-random stream (mulberry32): the pool is the same for every run with one seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const TRADE_NAMES = ['华兴', '永安', '鑫源', '金盛', '恒达', '宏远', '瑞丰', '新世纪', '东方', '利民', '长城', '安达', '富康', '天宇', '嘉禾', '隆鑫'];

function enterprisePool(seed: number) {
  const rand = prng(seed + 17);
  const countyList = counties();
  const out: { product_code: string; k: number; credit_code: string; name: string }[] = [];
  for (const p of products) {
    for (let k = 0; k < ENTERPRISES_PER_PRODUCT; k++) {
      // 91 = enterprise registered with market regulation; then the registering county; then nine
      // characters of organisation code.
      const countyCode = countyList[Math.floor(rand() * countyList.length)]!;
      let org = '';
      for (let i = 0; i < 9; i++) org += CREDIT_CODE_ALPHABET[Math.floor(rand() * CREDIT_CODE_ALPHABET.length)];
      out.push({
        product_code: p.code,
        k,
        credit_code: makeCreditCode(`91${countyCode}${org}`),
        name: `${TRADE_NAMES[k % TRADE_NAMES.length]}${p.nameZh}${k >= TRADE_NAMES.length ? `${Math.floor(k / TRADE_NAMES.length)}厂` : ''}有限公司`,
      });
    }
  }
  return out;
}

async function prepareHelpers(ch: ClickHouse, seed: number): Promise<void> {
  await ch.client.command({ query: `CREATE DATABASE IF NOT EXISTS ${BENCH_DB}` });
  await ch.client.command({
    query: `CREATE TABLE IF NOT EXISTS ${BENCH_DB}.enterprises (seed UInt32, product_code String, k UInt16, credit_code String, name String) ENGINE = MergeTree ORDER BY (seed, product_code, k)`,
  });
  await ch.client.command({
    query: `CREATE TABLE IF NOT EXISTS ${BENCH_DB}.datasets (db String, spec String, generation String, created_at DateTime DEFAULT now()) ENGINE = MergeTree ORDER BY db`,
  });
  const [have] = await rows<{ n: number }>(ch, `SELECT count() AS n FROM ${BENCH_DB}.enterprises WHERE seed = {seed:UInt32}`, { seed });
  if (!have?.n) {
    await ch.client.insert({ table: `${BENCH_DB}.enterprises`, values: enterprisePool(seed).map((e) => ({ seed, ...e })), format: 'JSONEachRow' });
  }
}

async function buildCells(ch: ClickHouse, db: string, shape: Shape, seed: number): Promise<string> {
  const table = `${BENCH_DB}.cells_${db}`;
  await ch.client.command({ query: `DROP TABLE IF EXISTS ${table}` });
  // Cells are the first N product × county pairs in a seeded hash order, so they spread over every
  // province and a smaller case's cells are a subset of a larger one's.
  await ch.client.command({
    query: `
CREATE TABLE ${table} ENGINE = MergeTree ORDER BY idx AS
WITH pool AS (
    SELECT product_code, arrayMap(x -> x.2, arraySort(groupArray((k, credit_code)))) AS codes, arrayMap(x -> x.2, arraySort(groupArray((k, name)))) AS names
    FROM ${BENCH_DB}.enterprises WHERE seed = {seed:UInt32} GROUP BY product_code
)
SELECT toUInt32(c.idx) AS idx, c.product_code AS product_code, c.product_name AS product_name, c.national_fail_rate AS national_fail_rate,
    c.typical_failed_items AS typical_failed_items, c.region_code AS region_code, c.prefecture_code AS prefecture_code,
    c.province_code AS province_code, c.province_name AS province_name,
    -- A county sees a handful of enterprises of each product: eight consecutive ones of the pool.
    arrayMap(j -> pool.codes[1 + (sipHash64(c.region_code) + j) % ${ENTERPRISES_PER_PRODUCT}], range(${ENTERPRISES_PER_CELL})) AS enterprises,
    arrayMap(j -> pool.names[1 + (sipHash64(c.region_code) + j) % ${ENTERPRISES_PER_PRODUCT}], range(${ENTERPRISES_PER_CELL})) AS enterprise_names,
    toUInt32(ifNull(leadInFrame(toNullable(toUInt32(c.idx))) OVER (PARTITION BY c.product_code ORDER BY c.idx ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING),
        min(toUInt32(c.idx)) OVER (PARTITION BY c.product_code))) AS sibling
FROM (
    SELECT row_number() OVER (ORDER BY sipHash64({seed:UInt32}, p.code, r.code)) - 1 AS idx,
        p.code AS product_code, p.name_zh AS product_name, p.national_fail_rate AS national_fail_rate, p.typical_failed_items AS typical_failed_items,
        r.code AS region_code, r.prefecture_code AS prefecture_code, r.province_code AS province_code, r.province_name AS province_name
    FROM ${db}.products AS p FINAL CROSS JOIN ${db}.regions AS r FINAL
    WHERE r.level = 'county'
) AS c
INNER JOIN pool ON pool.product_code = c.product_code
WHERE c.idx < {cells:UInt32}`,
    query_params: { seed, cells: shape.cells },
  });
  return table;
}

// ---------------------------------------------------------------------------------------------------
// Generated data: the raw feeds
//
// Rows are drawn from numbers(): row n gets its uniforms from intHash64 (cheap, well mixed, and the
// same for the same n and seed). Rows come in time order, as a live feed delivers them, so an
// INSERT touches one or two monthly partitions, not all of them. A cell's rate varies from 0.5x to
// 1.5x the mean (density 0.5 + x over the cell index, which is in hash order).

/** The k-th uniform in [0, 1) of row `n` (an SQL expression). */
const U = (k: number, n = 'n') => `(intHash64(bitXor(${n} * 32 + ${k}, {seed_mix:UInt64})) / 18446744073709551616)`;

/** A skewed cell index from two uniforms: half uniform, half with density rising along the index. */
const skewedCell = (a: number, b: number) => `toUInt32(if(${U(a)} < 0.5, floor({cells:UInt32} * ${U(b)}), floor({cells:UInt32} * sqrt(${U(b)}))))`;

/**
 * Time-ordered instants over the history: row n of `total` falls on day n·days/total (UTC day
 * boundaries; 85 % between 08:00 and 22:00 Beijing time), with a random millisecond.
 */
const spreadAt = (a: number, b: number, c: number) => `fromUnixTimestamp64Milli(toInt64(
    {start_ms:Int64} + intDiv(n * {days:UInt32}, {total:UInt64}) * ${DAY_MS}
    + if(${U(a)} < 0.85, floor(${U(b)} * 50400), 50400 + floor(${U(b)} * 36000)) * 1000 + floor(${U(c)} * 1000)), 'UTC')`;

const complaintColumns = `id, received_at, channel, kind, region_code, prefecture_code, province_code, product_code, product_name,
    enterprise_credit_code, enterprise_name, issue, harm, description, complainant_phone_hash, source_topic, source_partition,
    source_offset, ingested_at`;

/** Background complaints: draws for rows [from, from + count) of `total`. */
const complaintDraws = `
SELECT number AS n, ${skewedCell(0, 1)} AS cell, ${spreadAt(2, 3, 4)} AS at,
    multiIf(${U(5)} < 0.72, 'complaint', ${U(5)} < 0.85, 'report', ${U(5)} < 0.95, 'inquiry', 'suggestion') AS kind,
    if(kind IN ('complaint', 'report'),
        multiIf(${U(6)} < 0.45, 'quality_defect', ${U(6)} < 0.50, 'safety_hazard', ${U(6)} < 0.62, 'counterfeit', ${U(6)} < 0.74, 'false_labeling',
            ${U(6)} < 0.78, 'unlicensed', ${U(6)} < 0.88, 'short_weight', 'other'),
        'other') AS issue,
    multiIf(${U(7)} < 0.02, 'injury', ${U(7)} < 0.0205, 'death', ${U(7)} < 0.17, 'property', 'none') AS harm,
    ${U(8)} < 0.55 AS has_enterprise,
    toUInt8(1 + floor(${ENTERPRISES_PER_CELL} * pow(${U(9)}, 2))) AS e,
    ${U(10)} AS u_caller, ${U(11)} AS u_repeat, ${U(12)} AS u_channel, ${U(13)} AS u_name, ${U(14)} AS u_delay
FROM numbers({from:UInt64}, {count:UInt64})`;

/**
 * Outbreaks: one cell in OUTBREAK_EVERY gets 8 to 32 extra complaints in the last 72 hours, mostly
 * about one enterprise and more often about safety, as the simulator's incidents do.
 */
const outbreakComplaintDraws = `
SELECT {from:UInt64} + number AS n, toUInt32(intDiv(number, 32) * ${OUTBREAK_EVERY} + 3) AS cell,
    fromUnixTimestamp64Milli(toInt64({end_ms:Int64} - 1 - floor(${U(2)} * 259200000)), 'UTC') AS at,
    if(${U(5)} < 0.8, 'complaint', 'report') AS kind,
    if(${U(6)} < 0.3, 'safety_hazard', 'quality_defect') AS issue,
    multiIf(${U(7)} < 0.05, 'injury', ${U(7)} < 0.3, 'property', 'none') AS harm,
    ${U(8)} < 0.85 AS has_enterprise,
    toUInt8(if(${U(9)} < 0.7, 1, 1 + floor(${ENTERPRISES_PER_CELL} * ${U(9)}))) AS e,
    ${U(10)} AS u_caller, ${U(11)} AS u_repeat, ${U(12)} AS u_channel, ${U(13)} AS u_name, ${U(14)} AS u_delay
FROM numbers({count:UInt64})
WHERE cell < {cells:UInt32} AND number % 32 < 8 + (cell % 5) * 6`;

function complaintInsert(db: string, cellsTable: string, draws: string): string {
  return `
INSERT INTO ${db}.complaints (${complaintColumns})
SELECT
    concat('12365-', substring(c.region_code, 1, 4), '-', formatDateTime(g.at, '%Y%m%d', 'Asia/Shanghai'), '-', leftPad(toString(g.n), 9, '0')),
    g.at,
    multiIf(g.u_channel < 0.5, 'phone', g.u_channel < 0.7, 'web', g.u_channel < 0.8, 'app', g.u_channel < 0.95, 'wechat', g.u_channel < 0.97, 'letter', 'visit'),
    g.kind, c.region_code, c.prefecture_code, c.province_code, c.product_code,
    if(g.u_name < 0.6, c.product_name, ''),
    if(g.has_enterprise, c.enterprises[g.e], ''),
    if(g.has_enterprise, c.enterprise_names[g.e], ''),
    g.issue, g.harm,
    multiIf(g.kind = 'inquiry', concat('咨询', c.product_name, '的国家标准和检验要求'),
        g.kind = 'suggestion', concat('建议加强对本地', c.product_name, '生产企业的监督抽查'),
        g.issue = 'quality_defect', concat('购买的', c.product_name, '使用', toString(1 + n % 11), '个月后出现问题，要求退换'),
        g.issue = 'safety_hazard', concat(c.product_name, '使用中发热冒烟，存在安全隐患'),
        g.issue = 'counterfeit', concat('商家销售的', c.product_name, '疑似假冒知名品牌，包装上厂名厂址无法核实'),
        g.issue = 'false_labeling', concat(c.product_name, '标注的参数与实际不符'),
        g.issue = 'unlicensed', concat('有作坊无证生产', c.product_name, '，夜间开工'),
        g.issue = 'short_weight', concat(c.product_name, '标称重量与实际不符'),
        concat('对所购', c.product_name, '的质量有疑问，希望监管部门核查')),
    -- 15 % of tickets without a phone; a quarter of callers are one of three regulars of the cell.
    multiIf(g.u_caller < 0.15, '',
        g.u_caller < 0.40, lower(hex(SHA256(concat('caller:', toString({seed_mix:UInt64}), ':', toString(g.cell), ':', toString(toUInt8(g.u_repeat * 3)))))),
        lower(hex(SHA256(concat('caller:', toString({seed_mix:UInt64}), ':n:', toString(g.n)))))),
    'qrm.hotline.complaints', toUInt32(g.n % 4), g.n,
    g.at + toIntervalMillisecond(toUInt32(500 + g.u_delay * 5000))
FROM (${draws}) AS g
INNER JOIN ${cellsTable} AS c ON c.idx = g.cell`;
}

const mediaColumns = `id, published_at, source, source_type, url, title, region_codes, product_code, enterprise_credit_codes, sentiment,
    reach, exposure, source_topic, source_partition, source_offset, ingested_at`;

const mediaDraws = `
SELECT number AS n, ${skewedCell(0, 1)} AS cell, ${spreadAt(2, 3, 4)} AS at,
    multiIf(${U(5)} < 0.25, 'news', ${U(5)} < 0.6, 'social', ${U(5)} < 0.75, 'video', ${U(5)} < 0.85, 'forum', 'ecommerce_review') AS source_type,
    -- Approximately normal (sum of three uniforms), centred by source type, sd 0.35.
    greatest(-1, least(1, multiIf(source_type = 'news', -0.05, source_type = 'social', -0.2, source_type = 'video', -0.1, source_type = 'forum', -0.25, -0.15)
        + 0.7 * (${U(6)} + ${U(7)} + ${U(8)} - 1.5))) AS sentiment_draw,
    ${U(9)} < 0.0005 AND source_type IN ('news', 'video') AS exposure_draw,
    ${U(10)} < 0.3 AS two_regions,
    ${U(11)} AS u_reach, ${U(12)} AS u_source, ${U(13)} AS u_url, ${U(14)} AS u_title, ${U(15)} AS u_enterprise, ${U(16)} AS u_delay
FROM numbers({from:UInt64}, {count:UInt64})`;

/** Negative posts about the outbreak cells in the same 72 hours: 5 each. */
const outbreakMediaDraws = `
SELECT {from:UInt64} + number AS n, toUInt32(intDiv(number, 5) * ${OUTBREAK_EVERY} + 3) AS cell,
    fromUnixTimestamp64Milli(toInt64({end_ms:Int64} - 1 - floor(${U(2)} * 259200000)), 'UTC') AS at,
    if(${U(5)} < 0.7, 'social', 'news') AS source_type,
    -0.5 - 0.4 * ${U(6)} AS sentiment_draw, false AS exposure_draw, ${U(10)} < 0.3 AS two_regions,
    ${U(11)} AS u_reach, ${U(12)} AS u_source, ${U(13)} AS u_url, ${U(14)} AS u_title, ${U(15)} AS u_enterprise, ${U(16)} AS u_delay
FROM numbers({count:UInt64})
WHERE cell < {cells:UInt32}`;

function mediaInsert(db: string, cellsTable: string, draws: string): string {
  return `
INSERT INTO ${db}.media_items (${mediaColumns})
SELECT
    concat('MD-', leftPad(toString(g.n), 10, '0')),
    g.at,
    if(g.exposure_draw, ['新华社', '央视新闻', '人民日报'][1 + g.n % 3],
        multiIf(g.source_type = 'news', ['新华网', '人民网', '澎湃新闻', '新京报', '南方都市报', '中国质量报'][1 + toUInt8(g.u_source * 6)],
            g.source_type = 'social', ['微博', '小红书', '微信公众号'][1 + toUInt8(g.u_source * 3)],
            g.source_type = 'video', ['抖音', '快手', 'B站'][1 + toUInt8(g.u_source * 3)],
            g.source_type = 'forum', ['百度贴吧', '知乎'][1 + toUInt8(g.u_source * 2)],
            ['淘宝评价', '京东评价', '拼多多评价'][1 + toUInt8(g.u_source * 3)])),
    g.source_type,
    if(g.u_url < 0.7, concat('https://', g.source_type, '.example.cn/a/', toString(g.n)), ''),
    if(g.u_title < 0.6, concat(c.province_name, c.product_name, if(g.sentiment_draw < 0, '质量问题引发消费者不满', '抽检结果公布')), ''),
    if(g.two_regions AND s.region_code != c.region_code, [c.region_code, s.region_code], [c.region_code]),
    c.product_code,
    if(g.u_enterprise < 0.2, [c.enterprises[1 + toUInt8(g.u_enterprise * 5 * ${ENTERPRISES_PER_CELL}) % ${ENTERPRISES_PER_CELL}]], []),
    toFloat32(if(g.exposure_draw, -0.8, g.sentiment_draw)),
    toUInt64(if(g.exposure_draw, 1000000 + g.u_reach * 29000000, pow(10, 1.5 + 4 * g.u_reach))),
    toUInt8(g.exposure_draw),
    'qrm.media.items', toUInt32(g.n % 4), g.n,
    g.at + toIntervalMillisecond(toUInt32(500 + g.u_delay * 5000))
FROM (${draws}) AS g
INNER JOIN ${cellsTable} AS c ON c.idx = g.cell
INNER JOIN ${cellsTable} AS s ON s.idx = c.sibling`;
}

/**
 * Spot checks arrive when their result is published (spread over the history); the sample was taken
 * 3 to 45 days before. 15 % carry no publication date. An enterprise's first local slot fails 1.5x
 * as often: repeat offenders exist.
 */
function spotCheckInsert(db: string, cellsTable: string): string {
  return `
INSERT INTO ${db}.spot_checks (id, sampled_at, published_at, level, region_code, prefecture_code, province_code, product_code,
    enterprise_credit_code, enterprise_name, batch, result, \`failed_items.item\`, \`failed_items.hazard\`, lab, source_topic, source_partition,
    source_offset, ingested_at)
SELECT
    concat('SC-', toString(toYear(g.at, 'Asia/Shanghai')), '-', c.province_code, '-', leftPad(toString(g.n), 8, '0')),
    g.at - toIntervalSecond(toUInt32((3 + g.u_delay * 42) * 86400)),
    if(g.u_published < 0.85, g.at, NULL),
    multiIf(g.u_level < 0.1, 'national', g.u_level < 0.5, 'provincial', g.u_level < 0.8, 'municipal', 'county'),
    c.region_code, c.prefecture_code, c.province_code, c.product_code,
    c.enterprises[g.e], c.enterprise_names[g.e],
    formatDateTime(g.at - toIntervalDay(toUInt32(50 + g.u_delay * 90)), '%Y%m%d'),
    if(g.failed, 'fail', 'pass'),
    arrayMap(x -> x.1, g.picked), arrayMap(x -> x.2, g.picked),
    concat(c.province_name, '产品质量监督检验研究院'),
    'qrm.spotcheck.results', toUInt32(g.n % 4), g.n,
    g.at + toIntervalSecond(toUInt32(1 + g.u_level * 60))
FROM (
    SELECT d.*, c2.typical_failed_items AS items, length(items) AS n_items,
        d.u_fail < c2.national_fail_rate * if(d.e = 1, 1.5, 1) AS failed,
        if(failed, if(d.u_two < 0.3 AND n_items > 1,
            [items[1 + toUInt32(d.u_item * n_items)], items[1 + (1 + toUInt32(d.u_item * n_items)) % n_items]],
            [items[1 + toUInt32(d.u_item * n_items)]]), []) AS picked
    FROM (
        SELECT number AS n, ${skewedCell(0, 1)} AS cell, ${spreadAt(2, 3, 4)} AS at,
            toUInt8(1 + floor(${ENTERPRISES_PER_CELL} * pow(${U(5)}, 2))) AS e,
            ${U(6)} AS u_fail, ${U(7)} AS u_two, ${U(8)} AS u_item, ${U(9)} AS u_delay, ${U(10)} AS u_published, ${U(11)} AS u_level
        FROM numbers({from:UInt64}, {count:UInt64})
    ) AS d
    INNER JOIN ${cellsTable} AS c2 ON c2.idx = d.cell
) AS g
INNER JOIN ${cellsTable} AS c ON c.idx = g.cell`;
}

// ---------------------------------------------------------------------------------------------------
// Generation

type Generation = {
  reused: boolean;
  method: string;
  seconds: number;
  mergeWaitSeconds: number;
  peakRssMB: number | undefined;
  feeds: Record<string, { rows: number; seconds: number; rowsPerSecond: number }>;
};

type TableStats = Record<string, { rows: number; parts: number; MB: number }>;

/** The settings that decide what a database holds: a database generated with the same ones is reused. */
const specOf = (shape: Shape, o: Options) => JSON.stringify({ v: 1, ...shape, rate: o.rate, seed: o.seed, tEnd: T_END.toISOString() });

async function generate(ch: ClickHouse, shape: Shape, o: Options): Promise<Generation> {
  const db = dbName(shape);
  const spec = specOf(shape, o);
  const [done] = await rows<{ generation: string }>(ch, `SELECT generation FROM ${BENCH_DB}.datasets WHERE db = {db:String} AND spec = {spec:String} LIMIT 1`, { db, spec });
  if (done) {
    log(`${db}: reusing the database generated earlier with the same settings`);
    return { ...(JSON.parse(done.generation) as Generation), reused: true };
  }
  await ch.client.command({ query: `DROP DATABASE IF EXISTS ${db} SYNC` });
  await ch.client.command({ query: `ALTER TABLE ${BENCH_DB}.datasets DELETE WHERE db = {db:String}`, query_params: { db } });
  await migrate(withDatabase(ch, db), createLogger('warn'));

  resetPeakRss();
  const started = performance.now();
  const cellsTable = await buildCells(ch, db, shape, o.seed);
  const endMs = T_END.getTime();
  const base = { seed_mix: BigInt(o.seed) * 0x9e3779b97f4a7c15n % 2n ** 64n, cells: shape.cells, days: shape.days, start_ms: endMs - shape.days * DAY_MS, end_ms: endMs };
  const feeds: Generation['feeds'] = {};

  const run = async (feed: string, total: number, insert: (from: number, count: number) => { query: string; params: Record<string, unknown> }) => {
    const t0 = performance.now();
    for (let from = 0; from < total; from += o.chunkRows) {
      const count = Math.min(o.chunkRows, total - from);
      const { query, params } = insert(from, count);
      await ch.client.command({ query, query_params: params });
      const s = seconds(t0);
      log(`${db}: ${feed} ${(from + count).toLocaleString('en-US')} / ${total.toLocaleString('en-US')} rows, ${s.toFixed(0)} s (${Math.round((from + count) / s).toLocaleString('en-US')} rows/s)`);
    }
    const s = seconds(t0);
    feeds[feed] = { rows: total, seconds: round(s, 2)!, rowsPerSecond: Math.round(total / s) };
  };

  const complaints = Math.round(o.rate * shape.cells * shape.days);
  const outbreakCells = Math.ceil(shape.cells / OUTBREAK_EVERY);
  await run('complaints', complaints, (from, count) => ({ query: complaintInsert(db, cellsTable, complaintDraws), params: { ...base, from, count, total: complaints } }));
  // Offsets past the background rows keep every id unique; the outbreak WHERE keeps 8 to 32 of each cell's 32 slots.
  await run('complaints (outbreaks)', outbreakCells * 32, () => ({
    query: complaintInsert(db, cellsTable, outbreakComplaintDraws),
    params: { ...base, from: complaints, count: outbreakCells * 32 },
  }));
  const media = Math.round(0.1 * complaints);
  await run('media_items', media, (from, count) => ({ query: mediaInsert(db, cellsTable, mediaDraws), params: { ...base, from, count, total: media } }));
  await run('media_items (outbreaks)', outbreakCells * 5, () => ({ query: mediaInsert(db, cellsTable, outbreakMediaDraws), params: { ...base, from: media, count: outbreakCells * 5 } }));
  const spot = Math.max(1, Math.round(0.01 * complaints));
  await run('spot_checks', spot, (from, count) => ({ query: spotCheckInsert(db, cellsTable), params: { ...base, from, count, total: spot } }));
  const insertSeconds = seconds(started);
  const peakRssMB = memoryOf(process.pid)?.peakRssMB;

  const mergeWait = await settle(ch, db, o.settleSeconds);
  const generation: Generation = {
    reused: false,
    method: 'INSERT ... SELECT FROM numbers() into the raw tables; the materialized views fill the aggregates',
    seconds: round(insertSeconds, 1)!,
    mergeWaitSeconds: round(mergeWait, 1)!,
    peakRssMB: round(peakRssMB),
    feeds,
  };
  await ch.client.insert({ table: `${BENCH_DB}.datasets`, values: [{ db, spec, generation: JSON.stringify(generation) }], format: 'JSONEachRow' });
  log(`${db}: generated in this process, whose engine keeps the memory it freed for twenty minutes (QRM_CHDB_MALLOC_CONF); for pass figures without it, run again with the same --data`);
  return generation;
}

/**
 * Waits until no merge has run in the database for three polls in a row: a system that has held
 * this history for a while has merged it, and a pass timed during merges would share two cores
 * with them.
 */
async function settle(ch: ClickHouse, db: string, maxSeconds: number): Promise<number> {
  const t0 = performance.now();
  let quiet = 0;
  let lastLog = 0;
  while (quiet < 3 && seconds(t0) < maxSeconds) {
    const [m] = await rows<{ n: number; parts: number }>(
      ch,
      `SELECT (SELECT count() FROM system.merges WHERE database = {db:String}) AS n,
              (SELECT count() FROM system.parts WHERE database = {db:String} AND active) AS parts`,
      { db },
    );
    quiet = m?.n ? 0 : quiet + 1;
    if (seconds(t0) - lastLog >= 15) {
      lastLog = seconds(t0);
      log(`${db}: waiting for merges (${m?.n ?? 0} running, ${m?.parts ?? 0} active parts)`);
    }
    await sleep(1000);
  }
  if (quiet < 3) log(`${db}: merges still running after ${maxSeconds} s; timing anyway`);
  return seconds(t0);
}

async function tableStats(ch: ClickHouse, db: string): Promise<TableStats> {
  const list = await rows<{ table: string; rows: number; parts: number; bytes: number }>(
    ch,
    `SELECT table, sum(rows) AS rows, count() AS parts, sum(bytes_on_disk) AS bytes FROM system.parts
     WHERE database = {db:String} AND active GROUP BY table ORDER BY table`,
    { db },
  );
  const out: TableStats = {};
  for (const r of list) out[r.table] = { rows: Number(r.rows), parts: Number(r.parts), MB: round(Number(r.bytes) / MB, 1)! };
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Timing passes

type QueryTiming = { query: string; seconds: number };
type PassRun = {
  seconds: number;
  queries: QueryTiming[];
  /** Staging the day signals after the pass, as the score service does; 0 when a stage was there already. */
  stageSeconds: number;
  scored: Record<string, number>;
  warnings: number;
  /** CPU seconds of this process (chDB runs in it): less sensitive than wall time to other load. */
  cpuSeconds: number | undefined;
  /** Cores other processes kept busy during the run (machine busy time minus this process's): a shared machine skews timings. */
  otherLoadCores: number | undefined;
};

/**
 * Which query of a pass a request is: a stale-days query (history), the day signals' fingerprint (day
 * inputs: whether a stage can be read), score.sql (the one with c_obs) or samples.sql.
 */
function labelOf(query: string): string {
  if (/\bc_obs\b/.test(query)) return 'score';
  if (/\bday_signals_marks\b/.test(query)) return 'day inputs';
  return /\b(complaints|media)_seals\b/.test(query) ? 'history' : 'samples';
}

/**
 * The client with each query timed from the request until its JSON is parsed, which is what
 * scorePass waits for; scorePass itself is used unchanged.
 */
function timedClient(ch: ClickHouse, record: (t: QueryTiming) => void): ClickHouse {
  const client = ch.client;
  const query = (async (params: Parameters<typeof client.query>[0]) => {
    const t0 = performance.now();
    const rs = await client.query(params);
    const json = rs.json.bind(rs);
    return Object.assign(rs, {
      json: async () => {
        const out = await json();
        record({ query: labelOf(params.query), seconds: seconds(t0) });
        return out;
      },
    });
  }) as typeof client.query;
  return { ...ch, client: new Proxy(client, { get: (target, prop, receiver) => (prop === 'query' ? query : Reflect.get(target, prop, receiver)) }) };
}

async function timePasses(ch: ClickHouse, db: string, runs: number, gapSeconds: number): Promise<{ runs: PassRun[]; peakRssMB: number | undefined }> {
  // The first pass finds no stage of the day signals and computes them, as the first pass of each UTC
  // day does, and stages them after it, as the score service does; the others read the stage, as the
  // rest of the day's passes do.
  await ch.client.command({ query: `TRUNCATE TABLE ${db}.day_signals_marks` });
  resetPeakRss();
  const out: PassRun[] = [];
  for (let i = 0; i < runs; i++) {
    if (i > 0) await sleep(gapSeconds * 1000);
    const queries: QueryTiming[] = [];
    const busy0 = machineBusySeconds();
    const own0 = cpuSecondsOf(process.pid);
    const t0 = performance.now();
    const cells = await scorePass(timedClient(withDatabase(ch, db), (q) => queries.push(q)), T_END);
    const s = seconds(t0);
    const busy1 = machineBusySeconds();
    const own1 = cpuSecondsOf(process.pid);
    const staging = performance.now();
    const staged = (await stageDaySignals(withDatabase(ch, db), T_END)).stored;
    const stageSeconds = staged ? seconds(staging) : 0;
    const other = busy0 === undefined || busy1 === undefined || own0 === undefined || own1 === undefined ? undefined : Math.max(0, busy1 - busy0 - (own1 - own0)) / s;
    const scored: Record<string, number> = {};
    for (const c of cells) scored[c.regionLevel] = (scored[c.regionLevel] ?? 0) + 1;
    out.push({
      seconds: round(s, 3)!,
      queries: queries.map((q) => ({ ...q, seconds: round(q.seconds, 3)! })),
      stageSeconds: round(stageSeconds, 3)!,
      scored,
      warnings: cells.filter((c) => c.level).length,
      cpuSeconds: own0 === undefined || own1 === undefined ? undefined : round(own1 - own0, 2),
      otherLoadCores: round(other, 2),
    });
    log(`${db}: pass ${i + 1}/${runs} ${s.toFixed(2)} s (${queries.map((q) => `${q.query} ${q.seconds.toFixed(2)}`).join(', ')}; other load ${other?.toFixed(2) ?? '?'} cores)${staged ? `; then staged the day signals in ${stageSeconds.toFixed(2)} s` : ''}`);
  }
  return { runs: out, peakRssMB: round(memoryOf(process.pid)?.peakRssMB) };
}

// ---------------------------------------------------------------------------------------------------
// Where the time goes: each CTE of score.sql on its own

type CteTiming = {
  /** score.sql, or day-signals.sql (staged once per UTC day). */
  file: string;
  cte: string;
  rows: number;
  /** `SELECT count() FROM cte`: ClickHouse drops the columns nobody reads, so aggregates may be skipped. */
  seconds?: number;
  /** Every column computed (`groupBitXor(cityHash64(*))` over the rows): what the CTE costs inside the pass. */
  secondsAllColumns?: number;
  /** CPU seconds of the same two queries: steadier than wall time when other processes share the cores. */
  cpuSeconds?: number;
  cpuSecondsAllColumns?: number;
  reads: string[];
};

/** A statement up to its final SELECT (the last line starting with SELECT), and its CTEs in order with the CTEs each one reads. */
export function splitScoreSql(sql: string): { prefix: string; ctes: { name: string; reads: string[] }[] } {
  const lines = sql.split('\n');
  const last = lines.findLastIndex((l) => l.startsWith('SELECT'));
  if (last < 0) throw new Error('no final SELECT at the start of a line');
  const prefix = lines.slice(0, last).join('\n');
  // Comments and string literals out, so a word in either is not taken for a reference.
  const code = prefix.replace(/--[^\n]*/g, '').replace(/'[^']*'/g, "''");
  const starts = [...code.matchAll(/^([a-z_][a-z0-9_]*) AS \(/gm)].map((m) => ({ name: m[1]!, at: m.index }));
  const ctes = starts.map((s, i) => {
    const body = code.slice(s.at + s.name.length, starts[i + 1]?.at ?? code.length);
    const reads = starts.filter((o) => o.name !== s.name && new RegExp(`\\b${o.name}\\b`).test(body)).map((o) => o.name);
    return { name: s.name, reads };
  });
  return { prefix, ctes };
}

async function timeCtes(ch: ClickHouse, db: string, runs: number, mode: Exclude<Options['breakdown'], 'none'>): Promise<CteTiming[]> {
  // score.sql as the timed passes ran it (passQuery: the default thresholds, the day signals read from
  // the stage they left): the pass the benchmark times. day-signals.sql is timed on its own.
  const pass = await passQuery(withDatabase(ch, db), T_END, await historyDaysAt(withDatabase(ch, db), T_END));
  const params = { ...pass.query_params, inputs: '0' };
  const out: CteTiming[] = [];
  for (const [file, sql] of [['day-signals.sql', readFileSync(daySignalsSqlFile, 'utf8')], ['score.sql', pass.query]] as const) {
    out.push(...(await timeFileCtes(ch, db, file, sql, params, runs, mode)));
  }
  return out;
}

async function timeFileCtes(ch: ClickHouse, db: string, name: string, sql: string, params: Record<string, unknown>, runs: number, mode: Exclude<Options['breakdown'], 'none'>): Promise<CteTiming[]> {
  const { prefix, ctes } = splitScoreSql(sql);
  const rendered = render(prefix, db);
  const time = async (select: string) => {
    const times: number[] = [];
    const cpu: number[] = [];
    let n = 0;
    for (let i = 0; i < runs; i++) {
      const c0 = cpuSecondsOf(process.pid) ?? NaN;
      const t0 = performance.now();
      // The pass reads with final = 0 (its last line); the session default here is final = 1.
      const [r] = await rows<{ n: number }>(ch, `${rendered}\n${select}\nSETTINGS final = 0`, params);
      times.push(seconds(t0));
      cpu.push((cpuSecondsOf(process.pid) ?? NaN) - c0);
      n = Number(r?.n ?? 0);
    }
    return { seconds: round(median(times), 3)!, cpuSeconds: round(median(cpu), 2), rows: n };
  };
  const out: CteTiming[] = [];
  for (const cte of ctes) {
    const counted = mode === 'all' ? undefined : await time(`SELECT count() AS n FROM ${cte.name}`);
    const all = mode === 'count' ? undefined : await time(`SELECT count() AS n, groupBitXor(cityHash64(*)) AS h FROM ${cte.name}`);
    const rowCount = (counted ?? all)!.rows;
    out.push({
      file: name,
      cte: cte.name,
      rows: rowCount,
      seconds: counted?.seconds,
      secondsAllColumns: all?.seconds,
      cpuSeconds: counted?.cpuSeconds,
      cpuSecondsAllColumns: all?.cpuSeconds,
      reads: cte.reads,
    });
    const show = (label: string, t?: { seconds: number; cpuSeconds?: number }) => (t ? ` ${label} ${t.seconds.toFixed(2)} s (cpu ${t.cpuSeconds?.toFixed(1) ?? '?'})` : '');
    log(`${db}: ${name} CTE ${cte.name}${show('count', counted)}${show('all columns', all)}, ${rowCount.toLocaleString('en-US')} rows`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Results

type CaseResult = {
  cells: number;
  historyDays: number;
  database: string;
  passSeconds: number;
  passSecondsCold: number;
  /** Staging the day signals after the first run, which found none (a pass reading them pays only `day inputs`). */
  stageSeconds: number;
  runSeconds: number[];
  /** Median CPU seconds of a pass (both cores count): on an idle machine wall time is between half this and all of it. */
  passCpuSeconds: number | undefined;
  /** Median per query over the runs (score.sql and samples.sql at each level). */
  querySeconds: Record<string, number>;
  scoredCells: Record<string, number>;
  warnings: number;
  /** The most cores other processes used during any run: above about 0.3 the figures are skewed. */
  otherLoadCores: number | undefined;
  peakRssMB: number | undefined;
  generation: Generation;
  upgrade: Upgrade;
  tables: TableStats;
  activeCells: number;
};

async function runCase(ch: ClickHouse, shape: Shape, o: Options): Promise<CaseResult> {
  const db = dbName(shape);
  log(`${db}: ${shape.cells.toLocaleString('en-US')} cells x ${shape.days} days`);
  const generation = await generate(ch, shape, o);
  const upgrade = await upgradeSchema(ch, db);
  upgrade.sealMergeSeconds = round(await mergeSealed(ch, db), 2)!;
  upgrade.mergeWaitSeconds = round(await settle(ch, db, o.settleSeconds), 1)!;
  const tables = await tableStats(ch, db);
  const [active] = await rows<{ n: number }>(ch, `SELECT uniqExact(product_code, region_code) AS n FROM ${db}.complaints_hourly SETTINGS final = 0`);
  const { runs, peakRssMB } = await timePasses(ch, db, o.runs, o.gapSeconds);
  const labels = [...new Set(runs.flatMap((r) => r.queries.map((q) => q.query)))];
  const querySeconds: Record<string, number> = {};
  // A pass's queries of one kind summed (history: one stale-days query per source), then the median over runs.
  const sumOf = (r: PassRun, l: string) => r.queries.filter((q) => q.query === l).reduce((s, q) => s + q.seconds, 0);
  for (const l of labels) querySeconds[l] = round(median(runs.map((r) => sumOf(r, l))), 3)!;
  return {
    cells: shape.cells,
    historyDays: shape.days,
    database: db,
    passSeconds: round(median(runs.map((r) => r.seconds)), 3)!,
    passSecondsCold: runs[0]!.seconds,
    stageSeconds: runs[0]!.stageSeconds,
    runSeconds: runs.map((r) => r.seconds),
    passCpuSeconds: round(median(runs.flatMap((r) => (r.cpuSeconds === undefined ? [] : [r.cpuSeconds]))), 2),
    querySeconds,
    scoredCells: runs[0]!.scored,
    warnings: runs[0]!.warnings,
    otherLoadCores: round(Math.max(...runs.map((r) => r.otherLoadCores ?? 0)), 2),
    peakRssMB,
    generation,
    upgrade,
    tables,
    activeCells: Number(active?.n ?? 0),
  };
}

type Upgrade = {
  /** Migrations applied to a database generated before them (their backfills included). */
  migrations: string[];
  migrationSeconds: number;
  migrationPeakRssMB: number | undefined;
  /** The first sealHistory at T_END: every history day at once, as after the migration in production. */
  sealSeconds: number;
  /** Complaint (Beijing) days and media (UTC) days sealed. */
  sealedDays: { complaints: number; media: number };
  sealPeakRssMB: number | undefined;
  /** Merging each month of the sealed history into one part (mergeSealed). */
  sealMergeSeconds?: number;
  /** Waiting for background merges after the migrations and the seal, before the passes are timed. */
  mergeWaitSeconds?: number;
};

/**
 * Merges each month of the sealed history into one part, as the tables' min_age_to_force_merge_seconds
 * (migration 0010) makes ClickHouse do five minutes after a seal in a running system; the benchmark
 * does it at once rather than wait. A pass reads these tables with FINAL, which costs nothing on one
 * part per month and merges on every read otherwise (docs/scoring.md, Performance).
 */
async function mergeSealed(ch: ClickHouse, db: string): Promise<number> {
  const t0 = performance.now();
  for (const table of ['complaints_voices_daily', 'media_negativity_hourly']) {
    await ch.client.command({ query: `OPTIMIZE TABLE ${db}.${table} FINAL SETTINGS optimize_skip_merged_partitions = 1` });
  }
  return seconds(t0);
}

/**
 * Brings a reused database to the current schema, timed, and seals its complaint and media history
 * at T_END, timed apart: what an upgrade costs on a database of this size. Passes then find their history
 * sealed, as every pass after the first does in production.
 */
async function upgradeSchema(ch: ClickHouse, db: string): Promise<Upgrade> {
  resetPeakRss();
  let t0 = performance.now();
  const { applied } = await migrate(withDatabase(ch, db), createLogger('warn'));
  const migrationSeconds = seconds(t0);
  const migrationPeakRssMB = round(memoryOf(process.pid)?.peakRssMB);
  resetPeakRss();
  t0 = performance.now();
  const before = await historyDaysAt(withDatabase(ch, db), T_END);
  await sealHistory(withDatabase(ch, db), T_END);
  const upgrade = {
    migrations: applied,
    migrationSeconds: round(migrationSeconds, 2)!,
    migrationPeakRssMB,
    sealSeconds: round(seconds(t0), 2)!,
    sealedDays: { complaints: before.complaints.stale.length, media: before.media.stale.length },
    sealPeakRssMB: round(memoryOf(process.pid)?.peakRssMB),
  };
  log(`${db}: migrations ${applied.join(', ') || 'none pending'} in ${upgrade.migrationSeconds} s; sealed ${upgrade.sealedDays.complaints} complaint and ${upgrade.sealedDays.media} media history days in ${upgrade.sealSeconds} s`);
  return upgrade;
}

/** Exponent b of time ∝ size^b between the smallest and largest point: 1 is linear, below 1 better. */
function growthExponent(points: { size: number; seconds: number }[]): number | undefined {
  if (points.length < 2) return undefined;
  const sorted = [...points].sort((a, b) => a.size - b.size);
  const a = sorted[0]!;
  const b = sorted[sorted.length - 1]!;
  if (a.size === b.size) return undefined;
  return round(Math.log(b.seconds / a.seconds) / Math.log(b.size / a.size), 2);
}

function printResults(cases: CaseResult[], largest: CaseResult, breakdown: CteTiming[] | undefined): void {
  const queries = ['history', 'day inputs', 'score', 'samples'];
  process.stdout.write(
    `\n${formatTable(
      ['cells', 'days', 'complaints', 'complaints_hourly', 'generate s', 'merge wait s', 'migrate s', 'seal s', 'cold s', 'stage s', 'median s', 'cpu s', 'history s', 'day inputs s', 'score s', 'samples s', 'warnings', 'peak RSS MB', 'other load'],
      cases.map((c) => [
        c.cells,
        c.historyDays,
        c.tables.complaints?.rows,
        c.tables.complaints_hourly?.rows,
        c.generation.seconds,
        c.generation.mergeWaitSeconds,
        c.upgrade.migrationSeconds,
        c.upgrade.sealSeconds,
        round(c.passSecondsCold, 2),
        round(c.stageSeconds, 2),
        round(c.passSeconds, 2),
        round(c.passCpuSeconds, 1),
        ...queries.map((q) => round(c.querySeconds[q], 2)),
        c.warnings,
        c.peakRssMB,
        c.otherLoadCores,
      ]),
    )}\n`,
  );
  if (breakdown) {
    process.stdout.write(
      `\nscore.sql by CTE, ${largest.cells.toLocaleString('en-US')} cells x ${largest.historyDays} days (inclusive: each includes the CTEs it reads)\n${formatTable(
        ['file', 'cte', 'count() s', 'cpu s', 'all columns s', 'cpu s', 'rows', 'reads'],
        breakdown.map((b) => [b.file, b.cte, round(b.seconds, 2), round(b.cpuSeconds, 1), round(b.secondsAllColumns, 2), round(b.cpuSecondsAllColumns, 1), b.rows, b.reads.join(', ')]),
      )}\n`,
    );
  }
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const dataDir = o.data ?? mkdtempSync(join(tmpdir(), 'qrm-bench-score-'));
  mkdirSync(dataDir, { recursive: true });
  const config = loadConfig({ ...process.env, CLICKHOUSE_URL: '', QRM_DATA_DIR: dataDir, QRM_KAFKA_DEV_FILE: join(dataDir, 'no-kafka-dev.env') });
  const ch = await connectClickHouse(config.clickhouse);
  const machine = machineInfo();
  log(`chDB in ${dataDir}; ${machine.cpus} cpus, ${machine.memoryGB} GB`);
  try {
    await prepareHelpers(ch, o.seed);
    const cases: CaseResult[] = [];
    for (const shape of casesOf(o)) cases.push(await runCase(ch, shape, o));
    const largest = cases.find((c) => c.cells === o.largest.cells && c.historyDays === o.largest.days)!;
    const breakdown = o.breakdown === 'none' ? undefined : await timeCtes(ch, largest.database, o.cteRuns, o.breakdown);
    const cellSeries = cases.filter((c) => c.historyDays === o.largest.days && o.cellSeries.includes(c.cells));
    const daySeries = cases.filter((c) => c.cells === o.largest.cells && o.daySeries.includes(c.historyDays));
    const series = cases.filter((c) => c !== largest).map((c) => ({
      cells: c.cells,
      historyDays: c.historyDays,
      in: [...(cellSeries.includes(c) ? ['cells'] : []), ...(daySeries.includes(c) ? ['history'] : [])],
      passSeconds: c.passSeconds,
      passSecondsCold: c.passSecondsCold,
      stageSeconds: c.stageSeconds,
      passCpuSeconds: c.passCpuSeconds,
      querySeconds: c.querySeconds,
      complaints: c.tables.complaints?.rows,
      generationSeconds: c.generation.seconds,
      peakRssMB: c.peakRssMB,
    }));
    const result = {
      benchmark: 'score',
      description:
        'One scoring pass (scorePass: the sealed-history check, score.sql for county, prefecture and province at once, samples.sql) over generated history in embedded chDB; t = the end of the history',
      generatedAt: new Date().toISOString(),
      quick: o.quick,
      machine,
      t: T_END.toISOString(),
      cells: largest.cells,
      historyDays: largest.historyDays,
      passSeconds: largest.passSeconds,
      passSecondsCold: largest.passSecondsCold,
      stageSeconds: largest.stageSeconds,
      gapSeconds: o.gapSeconds,
      targetSeconds: 5,
      targetMet: largest.passSeconds < 5,
      peakRssMB: { generation: largest.generation.peakRssMB, passes: largest.peakRssMB, processNow: round(memoryOf(process.pid)?.rssMB) },
      growth: {
        // time ∝ size^exponent between the smallest and the largest point of each series; the CPU
        // figures are the steadier ones on a shared machine (other load inflates wall time unevenly).
        cellsExponent: growthExponent(cellSeries.map((c) => ({ size: c.cells, seconds: c.passSeconds }))),
        historyExponent: growthExponent(daySeries.map((c) => ({ size: c.historyDays, seconds: c.passSeconds }))),
        cellsExponentCpu: growthExponent(cellSeries.map((c) => ({ size: c.cells, seconds: c.passCpuSeconds ?? NaN }))),
        historyExponentCpu: growthExponent(daySeries.map((c) => ({ size: c.historyDays, seconds: c.passCpuSeconds ?? NaN }))),
      },
      series,
      largest,
      cases,
      breakdown,
      options: { ...o, out: undefined, data: o.data },
      notes: [
        'Each case is its own database generated through the raw tables and their materialized views; smaller cases hold a subset of the larger cells, never a filtered view of a bigger database.',
        'passSeconds is the median of the runs; passSecondsCold is the first run (first use of the data by this process; the OS page cache is warm from generation). The first run finds no stage of the day signals (spot checks, complaint concentration) and computes them within the pass, as the first pass of each UTC day does; they are then staged (stageSeconds, not part of any pass, as the score service stages after a pass has published its warnings), and the other runs read the stage, as the rest of the day\'s 288 passes do.',
        'gapSeconds: idle time before each run after the first, as between the live service\'s passes; back-to-back passes (--gap 0) reuse the memory the previous pass faulted in and run up to a quarter faster.',
        'Embedded chDB keeps memory it freed for QRM_CHDB_MALLOC_CONF\'s twenty minutes, so a case timed after generating data in the same process carries that memory in its peak RSS (several GB): generate with one run, time with a second run that reuses the databases (--data).',
        'Generation waits for background merges before timing; mergeWaitSeconds is not part of generation seconds.',
        'breakdown: each CTE timed as the score.sql prefix plus SELECT count() FROM <cte> (seconds) and with every column hashed (secondsAllColumns), final = 0, all levels. CTEs are inlined, so times include the CTEs they read; count() lets ClickHouse skip aggregates nobody reads, so secondsAllColumns is the cost inside the pass.',
        'otherLoadCores: CPU other processes used during a run; this machine is shared, so wall times above about 0.3 cores of other load are skewed (cpu seconds less so).',
      ],
    };
    mkdirSync(dirname(o.out), { recursive: true });
    writeFileSync(o.out, `${JSON.stringify(result, null, 2)}\n`);
    printResults(cases, largest, breakdown);
    const growth = result.growth;
    process.stdout.write(
      `\n${largest.cells.toLocaleString('en-US')} cells x ${largest.historyDays} days: pass ${largest.passSeconds.toFixed(2)} s median (cold ${largest.passSecondsCold.toFixed(2)} s), target < 5 s ${result.targetMet ? 'met' : 'NOT met'}; ` +
        `wall time ~ cells^${growth.cellsExponent ?? '-'}, days^${growth.historyExponent ?? '-'} (cpu: cells^${growth.cellsExponentCpu ?? '-'}, days^${growth.historyExponentCpu ?? '-'}); written to ${o.out}\n`,
    );
  } finally {
    await ch.close();
    if (!o.data) rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`bench:score failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
