-- The alert service's outbox: one row per notification (a warning state change, a recipient, a
-- channel), recorded before it is sent and updated after. ReplacingMergeTree keeps the latest state
-- per notification_id, which is a hash of what the notification is about, so a redelivered warning
-- event maps onto the same row instead of a second notification.
CREATE TABLE IF NOT EXISTS {{db}}.notifications
(
    notification_id String,
    warning_id String,
    event LowCardinality(String),
    evaluated_at DateTime64(3, 'UTC'),
    product_code LowCardinality(String),
    region_code LowCardinality(String),
    region_level LowCardinality(String),
    level LowCardinality(String),
    recipient_id LowCardinality(String),
    channel LowCardinality(String),
    kind LowCardinality(String),
    status LowCardinality(String),
    attempt UInt16,
    due_at DateTime64(3, 'UTC'),
    sent_at Nullable(DateTime64(3, 'UTC')),
    provider_message_id String,
    error String,
    source_partition UInt32,
    repeat_interval_minutes UInt32,
    escalate_after_minutes UInt32,
    escalate_to String,
    payload String CODEC(ZSTD(3)),
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY notification_id;

-- Every delivery attempt, for the pipeline-health dashboard and for audit.
CREATE TABLE IF NOT EXISTS {{db}}.notification_attempts
(
    notification_id String,
    recipient_id LowCardinality(String),
    channel LowCardinality(String),
    attempt UInt16,
    status LowCardinality(String),
    provider_message_id String,
    error String,
    at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (at, notification_id)
TTL toDateTime(at) + INTERVAL 2 YEAR;

-- Time-boxed silences by product and/or region prefix.
CREATE TABLE IF NOT EXISTS {{db}}.silences
(
    silence_id String,
    product_code String,
    region_prefix String,
    starts_at DateTime64(3, 'UTC'),
    ends_at DateTime64(3, 'UTC'),
    author String,
    reason String,
    created_at DateTime64(3, 'UTC'),
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY silence_id;

-- Acknowledgements and inspection outcomes reported by bureaus, shown next to the warning.
CREATE TABLE IF NOT EXISTS {{db}}.warning_feedback
(
    warning_id String,
    kind LowCardinality(String),
    at DateTime64(3, 'UTC'),
    author String,
    comment String,
    enterprises_inspected UInt32,
    violations_found UInt32
)
ENGINE = ReplacingMergeTree
ORDER BY (warning_id, kind, at, author);
