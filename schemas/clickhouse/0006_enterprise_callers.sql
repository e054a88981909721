-- Distinct callers per enterprise named, per county, product and day, for the concentration factor
-- of the complaint signal. complaints_enterprise_daily counts tickets, so one caller phoning thirty
-- times about one shop looked like thirty people agreeing on one enterprise; a voice is a caller
-- (the keyed phone hash, else the ticket), as in complaints_hourly. Complaints naming no enterprise
-- are kept under '' so that a cell's total callers come from the same table.
CREATE TABLE IF NOT EXISTS {{db}}.complaints_enterprise_callers_daily
(
    product_code LowCardinality(String),
    region_code LowCardinality(String),
    enterprise_credit_code String,
    day Date,
    callers AggregateFunction(uniqExact, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (product_code, region_code, day, enterprise_credit_code);

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.complaints_enterprise_callers_daily_mv TO {{db}}.complaints_enterprise_callers_daily AS
SELECT product_code, region_code, enterprise_credit_code, toDate(received_at) AS day,
    uniqExactState(sipHash64(if(complainant_phone_hash = '', concat('ticket:', id), concat('caller:', complainant_phone_hash)))) AS callers
FROM {{db}}.complaints
WHERE kind IN ('complaint', 'report')
GROUP BY product_code, region_code, enterprise_credit_code, day;

-- Complaints stored before this migration: the view above only sees new inserts. Exact states, so
-- rows the view also writes (an insert racing the migration) merge without counting twice.
INSERT INTO {{db}}.complaints_enterprise_callers_daily
SELECT product_code, region_code, enterprise_credit_code, toDate(received_at) AS day,
    uniqExactState(sipHash64(if(complainant_phone_hash = '', concat('ticket:', id), concat('caller:', complainant_phone_hash)))) AS callers
FROM {{db}}.complaints
WHERE kind IN ('complaint', 'report')
GROUP BY product_code, region_code, enterprise_credit_code, day;
