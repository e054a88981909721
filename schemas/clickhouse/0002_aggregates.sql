-- Pre-aggregates for scoring, filled by materialized views on insert into the raw tables.
-- Materialized views fire on every insert, duplicates included, so plain sums would double-count a
-- redelivered message. Every count here is an exact distinct count (uniqExact of a 64-bit hash of
-- the record id, or of the caller), and the media sum is over a set of distinct (item, value)
-- tuples: merging a duplicate into a state changes nothing. Scoring reads these with -Merge.

-- Complaints that are risk signals (complaints and reports; inquiries and suggestions are not), per
-- county, product and hour of receipt.
CREATE TABLE IF NOT EXISTS {{db}}.complaints_hourly
(
    product_code LowCardinality(String),
    region_code LowCardinality(String),
    hour DateTime('UTC'),
    ids AggregateFunction(uniqExact, UInt64),
    -- Severity-weighted voices. A voice is a caller (the keyed phone hash when known, else the ticket
    -- itself), so thirty calls from one person count once. A complaint of weight w (1, +1 for a
    -- safety hazard, +2 for injury, +4 for death) contributes w distinct elements (voice, 0..w-1):
    -- the distinct count is then the sum of each voice's highest weight, and stays exact under
    -- redelivery because duplicates add no new element.
    voices AggregateFunction(uniqExact, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (product_code, region_code, hour);

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.complaints_hourly_mv TO {{db}}.complaints_hourly AS
SELECT
    product_code,
    region_code,
    toStartOfHour(received_at) AS hour,
    uniqExactState(sipHash64(id)) AS ids,
    uniqExactArrayState(arrayMap(
        i -> sipHash64(if(complainant_phone_hash = '', concat('ticket:', id), concat('caller:', complainant_phone_hash)), i),
        range(toUInt8(1 + (issue = 'safety_hazard') + 2 * (harm = 'injury') + 4 * (harm = 'death')))
    )) AS voices
FROM {{db}}.complaints
WHERE kind IN ('complaint', 'report')
GROUP BY product_code, region_code, hour;

-- Complaints naming an enterprise, per day: concentration on one enterprise is more telling than the
-- same number spread over many.
CREATE TABLE IF NOT EXISTS {{db}}.complaints_enterprise_daily
(
    product_code LowCardinality(String),
    region_code LowCardinality(String),
    enterprise_credit_code String,
    day Date,
    ids AggregateFunction(uniqExact, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (product_code, region_code, day, enterprise_credit_code);

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.complaints_enterprise_daily_mv TO {{db}}.complaints_enterprise_daily AS
SELECT product_code, region_code, enterprise_credit_code, toDate(received_at) AS day, uniqExactState(sipHash64(id)) AS ids
FROM {{db}}.complaints
WHERE kind IN ('complaint', 'report') AND enterprise_credit_code != ''
GROUP BY product_code, region_code, enterprise_credit_code, day;

-- Spot checks by the day their result became known (published; sampled when no publication date).
CREATE TABLE IF NOT EXISTS {{db}}.spot_checks_daily
(
    product_code LowCardinality(String),
    region_code LowCardinality(String),
    day Date,
    samples AggregateFunction(uniqExact, UInt64),
    fails AggregateFunction(uniqExact, UInt64),
    safety_fails AggregateFunction(uniqExact, UInt64),
    performance_fails AggregateFunction(uniqExact, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (product_code, region_code, day);

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.spot_checks_daily_mv TO {{db}}.spot_checks_daily AS
SELECT
    product_code,
    region_code,
    toDate(coalesce(published_at, sampled_at)) AS day,
    uniqExactState(sipHash64(id)) AS samples,
    uniqExactStateIf(sipHash64(id), result = 'fail') AS fails,
    uniqExactStateIf(sipHash64(id), result = 'fail' AND has(failed_items.hazard, 'safety')) AS safety_fails,
    uniqExactStateIf(sipHash64(id), result = 'fail' AND NOT has(failed_items.hazard, 'safety') AND has(failed_items.hazard, 'performance')) AS performance_fails
FROM {{db}}.spot_checks
GROUP BY product_code, region_code, day;

-- Failures per enterprise: a repeat offender stands out.
CREATE TABLE IF NOT EXISTS {{db}}.spot_check_failures_enterprise
(
    product_code LowCardinality(String),
    region_code LowCardinality(String),
    enterprise_credit_code String,
    day Date,
    fails AggregateFunction(uniqExact, UInt64)
)
ENGINE = AggregatingMergeTree
ORDER BY (product_code, region_code, enterprise_credit_code, day);

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.spot_check_failures_enterprise_mv TO {{db}}.spot_check_failures_enterprise AS
SELECT product_code, region_code, enterprise_credit_code, toDate(coalesce(published_at, sampled_at)) AS day, uniqExactState(sipHash64(id)) AS fails
FROM {{db}}.spot_checks
WHERE result = 'fail' AND enterprise_credit_code != ''
GROUP BY product_code, region_code, enterprise_credit_code, day;

-- Media items per county named in the item, per hour. Negativity = max(0, -sentiment) weighted by
-- log reach; the set of distinct (item, negativity, exposé reach) tuples makes the sum exact under
-- redelivery. Items naming no region are national and not attributed to a county.
CREATE TABLE IF NOT EXISTS {{db}}.media_hourly
(
    product_code LowCardinality(String),
    region_code LowCardinality(String),
    hour DateTime('UTC'),
    items AggregateFunction(groupUniqArray, Tuple(UInt64, Float32, UInt64))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (product_code, region_code, hour);

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.media_hourly_mv TO {{db}}.media_hourly AS
SELECT
    product_code,
    arrayJoin(region_codes) AS region_code,
    toStartOfHour(published_at) AS hour,
    groupUniqArrayState((
        sipHash64(id),
        toFloat32(greatest(0, -sentiment) * (1 + log10(1 + reach))),
        if(exposure = 1, reach, toUInt64(0))
    )) AS items
FROM {{db}}.media_items
GROUP BY product_code, region_code, hour;
