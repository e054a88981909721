-- Media history for the baselines of the scoring pass, sealed per UTC day as the complaint history is
-- (0007, docs/scoring.md, Performance). Merging 98 days of item sets per cell, level and day was the
-- largest part of a pass, yet a finished day's items never change unless late data arrives.

-- Item sets per county, product and hour, as media_hourly holds them, with `inserts`: the item rows
-- ever written into the hour (duplicates included). One view writes both, so a scan reads sets and
-- totals that describe the same data; a day's total (the sum over its hours) only grows, so a day
-- whose total is unchanged since it was sealed holds exactly the items that were sealed.
CREATE TABLE IF NOT EXISTS {{db}}.media_hourly_counted
(
    product_code LowCardinality(String),
    region_code LowCardinality(String),
    hour DateTime('UTC'),
    items AggregateFunction(groupUniqArray, Tuple(UInt64, Float32, UInt64)),
    inserts SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (product_code, region_code, hour);

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.media_hourly_counted_mv TO {{db}}.media_hourly_counted AS
SELECT
    product_code,
    arrayJoin(region_codes) AS region_code,
    toStartOfHour(published_at) AS hour,
    groupUniqArrayState((
        sipHash64(id),
        toFloat32(greatest(0, -sentiment) * (1 + log10(1 + reach))),
        if(exposure = 1, reach, toUInt64(0))
    )) AS items,
    count() AS inserts
FROM {{db}}.media_items
GROUP BY product_code, region_code, hour;

-- Sealed numbers: per cell (county, 4-digit prefecture or 2-digit province code) and hour, the
-- negativity summed over the hour's distinct items (an item naming two counties of a rollup counts
-- once) and the largest exposé reach, tagged with the hour's UTC day's `inserts` total when sealed.
-- Every hour with items has a row, negativity 0 or not: a rollup counts the counties with media from
-- its county rows. A pass reads a day's rows only while that total is unchanged, so older seals of a
-- day are never read; ReplacingMergeTree drops them in merges.
CREATE TABLE IF NOT EXISTS {{db}}.media_negativity_hourly
(
    product_code LowCardinality(String),
    cell LowCardinality(String),
    -- cityHash64(product_code, cell), as in complaints_voices_daily: one number to group and join by.
    cell_key UInt64,
    hour DateTime('UTC'),
    day Date,
    inserts UInt64,
    negativity Float64,
    exposure_reach UInt64
)
ENGINE = ReplacingMergeTree(inserts)
PARTITION BY toYYYYMM(hour)
ORDER BY (product_code, cell, hour);

-- One row per sealed UTC day and total, written after the day's numbers: a day counts as sealed only
-- once all of its rows are stored.
CREATE TABLE IF NOT EXISTS {{db}}.media_seals
(
    day Date,
    inserts UInt64,
    sealed_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(sealed_at)
ORDER BY (day, inserts);

-- History stored before this migration, copied from media_hourly (the view above only sees new
-- inserts): the same item sets, including items whose raw rows were replaced since. Item sets merge
-- exactly, so rows the view also writes (an insert racing the migration) do not count twice. A copied
-- row counts as one insert; any positive start will do, as a total only has to grow with new data.
INSERT INTO {{db}}.media_hourly_counted
SELECT product_code, region_code, hour, items, toUInt64(1) AS inserts
FROM {{db}}.media_hourly
SETTINGS final = 0;
