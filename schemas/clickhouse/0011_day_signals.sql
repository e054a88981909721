-- The parts of a scoring pass that change only with the UTC day of t: the spot-check signal (results
-- of complete days before t's day) and the complaint concentration (the seven complete days before
-- it). Merging their exact states was a third of a pass at 100,000 cells, yet the live service
-- computed the same numbers at each of a day's 288 passes. A pass now stages them once per day and
-- per state of their inputs (`inputs`, a fingerprint of the raw rows they are made from,
-- day-signals-inputs.sql) and reads them while the fingerprint is unchanged: late data changes it, so
-- it counts at the next pass, and a pass stays a pure function of the stored data and t
-- (docs/scoring.md, Performance).
--
-- Two passes staging the same day and inputs at once write the same rows twice: the pass reads with
-- FINAL, which keeps one per cell. Stages are kept two days from when they were written (a backtest
-- stages days long past), and a mark is trusted for one, so the rows of a trusted mark are all there.
CREATE TABLE IF NOT EXISTS {{db}}.day_signals
(
    day Date,
    inputs UInt64,
    -- cityHash64(product_code, cell), as in score.sql.
    key UInt64,
    product_code LowCardinality(String),
    cell LowCardinality(String),
    -- Spot checks (score.sql's spotcheck; a cell without failed samples in a year has none).
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
    -- Complaint concentration (score.sql's concentration; top_n 0 for a cell with none).
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
