-- Reference data qrm loads on every migrate (ReplacingMergeTree: reloading is harmless), so SQL can
-- name products and regions and use the catalog's prior failure rates.
CREATE TABLE IF NOT EXISTS {{db}}.products
(
    code LowCardinality(String),
    name_zh String,
    name_en String,
    category LowCardinality(String),
    risk_grade LowCardinality(String),
    national_fail_rate Float64,
    typical_failed_items Array(Tuple(item String, hazard LowCardinality(String)))
)
ENGINE = ReplacingMergeTree
ORDER BY code;

CREATE TABLE IF NOT EXISTS {{db}}.regions
(
    code LowCardinality(String),
    level LowCardinality(String),
    name String,
    prefecture_code LowCardinality(String),
    prefecture_name String,
    province_code LowCardinality(String),
    province_name String
)
ENGINE = ReplacingMergeTree
ORDER BY code;

-- One row per cell and evaluation time: a pure function of stored data and evaluated_at, so re-running
-- a pass replaces its rows with identical ones. Only cells with a score of at least 10 are kept.
CREATE TABLE IF NOT EXISTS {{db}}.risk_scores
(
    evaluated_at DateTime64(3, 'UTC'),
    product_code LowCardinality(String),
    region_code LowCardinality(String),
    region_level LowCardinality(String),
    score Float32,
    level LowCardinality(String),
    complaint_z Float32,
    spotcheck_z Float32,
    media_z Float32,
    evidence String CODEC(ZSTD(3)),
    computed_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(computed_at)
PARTITION BY toYYYYMM(evaluated_at)
ORDER BY (product_code, region_level, region_code, evaluated_at)
TTL toDateTime(evaluated_at) + INTERVAL 2 YEAR;

-- Warning state changes derived from successive passes (opened, escalated, de-escalated, resolved;
-- acknowledged later). The current state of a warning is its latest event.
CREATE TABLE IF NOT EXISTS {{db}}.warnings
(
    warning_id String,
    event LowCardinality(String),
    evaluated_at DateTime64(3, 'UTC'),
    product_code LowCardinality(String),
    region_code LowCardinality(String),
    region_level LowCardinality(String),
    level LowCardinality(String),
    previous_level LowCardinality(String),
    score Float32,
    opened_at DateTime64(3, 'UTC'),
    evidence String CODEC(ZSTD(3)),
    recorded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(recorded_at)
ORDER BY (warning_id, evaluated_at, event);
