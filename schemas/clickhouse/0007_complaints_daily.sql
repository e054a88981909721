-- Complaint history by Beijing day, for the baselines of the scoring pass (docs/scoring.md,
-- Performance). Re-merging 462 days of hourly uniqExact states at every pass was most of its time, so
-- finished days are sealed into plain numbers once and re-used until their data changes.

-- Exact voice states per county, product and Beijing day (the day callers and bureaus live by), as
-- in complaints_hourly (weighted voices, one caller one voice). `inserts` counts the complaint rows
-- ever written into the day, duplicates included: it only grows, so a day whose total is unchanged
-- since it was sealed holds exactly the data that was sealed.
CREATE TABLE IF NOT EXISTS {{db}}.complaints_daily
(
    product_code LowCardinality(String),
    region_code LowCardinality(String),
    day Date,
    voices AggregateFunction(uniqExact, UInt64),
    inserts SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (product_code, region_code, day);

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.complaints_daily_mv TO {{db}}.complaints_daily AS
SELECT
    product_code,
    region_code,
    toDate(received_at, 'Asia/Shanghai') AS day,
    uniqExactArrayState(arrayMap(
        i -> sipHash64(if(complainant_phone_hash = '', concat('ticket:', id), concat('caller:', complainant_phone_hash)), i),
        range(toUInt8(1 + (issue = 'safety_hazard') + 2 * (harm = 'injury') + 4 * (harm = 'death')))
    )) AS voices,
    count() AS inserts
FROM {{db}}.complaints
WHERE kind IN ('complaint', 'report')
GROUP BY product_code, region_code, day;

-- Sealed numbers: weighted voices per cell (county, 4-digit prefecture or 2-digit province code; a
-- rollup counts a caller once across its counties) and Beijing day, tagged with the day's `inserts`
-- total when sealed. A pass reads a day's rows only while that total is unchanged, so older seals
-- of a day are never read; ReplacingMergeTree drops them in merges.
CREATE TABLE IF NOT EXISTS {{db}}.complaints_voices_daily
(
    product_code LowCardinality(String),
    cell LowCardinality(String),
    -- cityHash64(product_code, cell): the pass groups and joins by one number, several times faster
    -- in ClickHouse than by two LowCardinality strings.
    cell_key UInt64,
    day Date,
    inserts UInt64,
    voices UInt32
)
ENGINE = ReplacingMergeTree(inserts)
PARTITION BY toYYYYMM(day)
ORDER BY (product_code, cell, day);

-- One row per sealed day and total, written after the day's numbers: a day counts as sealed only
-- once all of its rows are stored.
CREATE TABLE IF NOT EXISTS {{db}}.complaints_seals
(
    day Date,
    inserts UInt64,
    sealed_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(sealed_at)
ORDER BY (day, inserts);

-- Complaints stored before this migration: the view above only sees new inserts. Exact states, so
-- rows the view also writes (an insert racing the migration) merge without counting twice; their
-- `inserts` may then count twice, which only makes the day look changed. Read in the table's order
-- so the aggregation streams cell by cell instead of holding every cell-day at once.
INSERT INTO {{db}}.complaints_daily
SELECT product_code, region_code, toDate(received_at, 'Asia/Shanghai') AS day,
    uniqExactArrayState(arrayMap(
        i -> sipHash64(if(complainant_phone_hash = '', concat('ticket:', id), concat('caller:', complainant_phone_hash)), i),
        range(toUInt8(1 + (issue = 'safety_hazard') + 2 * (harm = 'injury') + 4 * (harm = 'death')))
    )) AS voices,
    count() AS inserts
FROM {{db}}.complaints
WHERE kind IN ('complaint', 'report')
GROUP BY product_code, region_code, day
SETTINGS final = 0, optimize_aggregation_in_order = 1;
