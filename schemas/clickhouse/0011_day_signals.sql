-- The parts of a scoring pass that change only with the UTC day of t: the spot-check signal (results
-- of complete days before t's day) and the complaint concentration (the seven complete days before
-- it). Merging their exact states was a third of a pass at 100,000 cells, yet the live service
-- computed the same numbers at each of a day's 288 passes. The score service now stages them after a
-- pass, once per day and state of their inputs (`inputs`, day-signals-inputs.sql), and the passes
-- that follow read them while that is unchanged: late data changes it, so it counts at the next pass,
-- and a pass stays a pure function of the stored data and t (docs/scoring.md, Performance).
--
-- The inputs' state is read from the aggregates themselves: each of the three the day signals merge
-- gets an `inserts` count, as complaints_daily has (0007), written by its view in the same part as
-- the states, so it is visible exactly when they are, and it only grows (the raw rows are written
-- before the views run, and a copy replaced by a merge can make their hashes repeat). Rows stored
-- before this migration count 0.
ALTER TABLE {{db}}.spot_checks_daily ADD COLUMN IF NOT EXISTS inserts SimpleAggregateFunction(sum, UInt64);

ALTER TABLE {{db}}.spot_check_failures_enterprise ADD COLUMN IF NOT EXISTS inserts SimpleAggregateFunction(sum, UInt64);

ALTER TABLE {{db}}.complaints_enterprise_callers_daily ADD COLUMN IF NOT EXISTS inserts SimpleAggregateFunction(sum, UInt64);

ALTER TABLE {{db}}.spot_checks_daily_mv MODIFY QUERY
SELECT
    product_code,
    region_code,
    toDate(coalesce(published_at, sampled_at)) AS day,
    uniqExactState(sipHash64(id)) AS samples,
    uniqExactStateIf(sipHash64(id), result = 'fail') AS fails,
    uniqExactStateIf(sipHash64(id), result = 'fail' AND has(failed_items.hazard, 'safety')) AS safety_fails,
    uniqExactStateIf(sipHash64(id), result = 'fail' AND NOT has(failed_items.hazard, 'safety') AND has(failed_items.hazard, 'performance')) AS performance_fails,
    count() AS inserts
FROM {{db}}.spot_checks
GROUP BY product_code, region_code, day;

ALTER TABLE {{db}}.spot_check_failures_enterprise_mv MODIFY QUERY
SELECT product_code, region_code, enterprise_credit_code, toDate(coalesce(published_at, sampled_at)) AS day, uniqExactState(sipHash64(id)) AS fails, count() AS inserts
FROM {{db}}.spot_checks
WHERE result = 'fail' AND enterprise_credit_code != ''
GROUP BY product_code, region_code, enterprise_credit_code, day;

ALTER TABLE {{db}}.complaints_enterprise_callers_daily_mv MODIFY QUERY
SELECT product_code, region_code, enterprise_credit_code, toDate(received_at) AS day,
    uniqExactState(sipHash64(if(complainant_phone_hash = '', concat('ticket:', id), concat('caller:', complainant_phone_hash)))) AS callers,
    count() AS inserts
FROM {{db}}.complaints
WHERE kind IN ('complaint', 'report')
GROUP BY product_code, region_code, enterprise_credit_code, day;

-- Two passes staging the same day and inputs at once write a cell's row twice: the pass reads with
-- FINAL, which keeps one. Stages are kept two days from when they were written (a backtest stages days
-- long past); a mark is trusted for one, and only while its stage holds all of its cells.
CREATE TABLE IF NOT EXISTS {{db}}.day_signals
(
    day Date,
    inputs UInt64,
    -- cityHash64(product_code, cell), as in score.sql.
    key UInt64,
    product_code LowCardinality(String),
    cell LowCardinality(String),
    -- Spot checks (day-signals.sql's spotcheck; a cell without failed samples in a year has none).
    spot UInt8,
    counties UInt64,
    n90 UInt64,
    f90 UInt64,
    n365 UInt64,
    f365 UInt64,
    p0 Float64,
    p90 Float64,
    p365 Float64,
    repeat_enterprises UInt64,
    rebound UInt8,
    below_target UInt8,
    z Float64,
    -- Complaint concentration (day-signals.sql's concentration; top_n 0 for a cell with none).
    top_enterprise String,
    top_n UInt64,
    callers7 UInt64,
    staged_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(staged_at)
PARTITION BY toYYYYMM(day)
ORDER BY (day, inputs, key)
TTL toDateTime(staged_at) + INTERVAL 2 DAY;

-- One row per staged day and inputs, written after the stage's rows and only if the inputs did not
-- change while they were computed: a stage is read only once all its rows are stored.
CREATE TABLE IF NOT EXISTS {{db}}.day_signals_marks
(
    day Date,
    inputs UInt64,
    cells UInt64,
    staged_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(staged_at)
ORDER BY (day, inputs)
TTL toDateTime(staged_at) + INTERVAL 2 DAY;
