-- Raw feed tables. ReplacingMergeTree keyed on the record's own identity: a message delivered twice,
-- a batch re-inserted after a crash, or a whole topic replayed collapses to one row. Reads use FINAL
-- (qrm sets the `final` setting on its queries), so duplicates that have not merged yet never count.
-- The version column is ingested_at: a replay of a corrected record keeps the latest copy.

CREATE TABLE IF NOT EXISTS {{db}}.complaints
(
    id String,
    received_at DateTime64(3, 'UTC'),
    channel LowCardinality(String),
    kind LowCardinality(String),
    region_code LowCardinality(String),
    prefecture_code LowCardinality(String),
    province_code LowCardinality(String),
    product_code LowCardinality(String),
    product_name String,
    enterprise_credit_code String,
    enterprise_name String,
    issue LowCardinality(String),
    harm LowCardinality(String),
    description String CODEC(ZSTD(3)),
    -- HMAC-SHA256 of the caller's normalised phone, keyed by QRM_PII_KEY; empty when unknown.
    complainant_phone_hash String,
    source_topic LowCardinality(String),
    source_partition UInt32,
    source_offset UInt64,
    ingested_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(received_at)
ORDER BY (product_code, region_code, received_at, id);

CREATE TABLE IF NOT EXISTS {{db}}.media_items
(
    id String,
    published_at DateTime64(3, 'UTC'),
    source String,
    source_type LowCardinality(String),
    url String,
    title String,
    region_codes Array(LowCardinality(String)),
    product_code LowCardinality(String),
    enterprise_credit_codes Array(String),
    sentiment Float32,
    reach UInt64,
    exposure UInt8,
    source_topic LowCardinality(String),
    source_partition UInt32,
    source_offset UInt64,
    ingested_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(published_at)
ORDER BY (product_code, published_at, id);

CREATE TABLE IF NOT EXISTS {{db}}.spot_checks
(
    id String,
    sampled_at DateTime64(3, 'UTC'),
    published_at Nullable(DateTime64(3, 'UTC')),
    level LowCardinality(String),
    region_code LowCardinality(String),
    prefecture_code LowCardinality(String),
    province_code LowCardinality(String),
    product_code LowCardinality(String),
    enterprise_credit_code String,
    enterprise_name String,
    batch String,
    result LowCardinality(String),
    failed_items Nested(item String, hazard LowCardinality(String)),
    lab String,
    source_topic LowCardinality(String),
    source_partition UInt32,
    source_offset UInt64,
    ingested_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(sampled_at)
ORDER BY (product_code, region_code, sampled_at, id);

-- One row per rejected message, keyed by its Kafka position so a redelivered reject counts once.
-- Not partitioned by time: a redelivery weeks later must still land in the same part range to merge.
-- The excerpt is bounded and has personal data removed; the full original bytes are on qrm.dlq.
CREATE TABLE IF NOT EXISTS {{db}}.dead_letters
(
    source_topic LowCardinality(String),
    source_partition UInt32,
    source_offset UInt64,
    feed LowCardinality(String),
    message_key String,
    reason_code LowCardinality(String),
    reason String,
    field String,
    size_bytes UInt32,
    excerpt String,
    rejected_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(rejected_at)
ORDER BY (source_topic, source_partition, source_offset)
TTL toDateTime(rejected_at) + INTERVAL 400 DAY;
