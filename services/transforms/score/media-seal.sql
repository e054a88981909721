-- Seals the media history of the UTC days {days}: per cell at every region level and hour, the
-- negativity of the hour's distinct items (an item naming two counties of a rollup counts once) and
-- the largest exposé reach, as plain numbers, each row tagged with its day's `inserts` total read in
-- the same scan, so the numbers and the total describe the same data even while items keep arriving.
INSERT INTO {{db}}.media_negativity_hourly (product_code, cell, cell_key, hour, day, inserts, negativity, exposure_reach)
SELECT product, cell_code, cell_key, hour, toDate(hour) AS day, sum(county_inserts) OVER (PARTITION BY toDate(hour)) AS inserts,
    negativity, exposure_reach
FROM
(
    -- Grouped by one hashed key: by (product_code, cell) ClickHouse is several times slower.
    SELECT cityHash64(product_code, cell) AS cell_key, hour, any(product_code) AS product, any(cell) AS cell_code,
        arraySum(x -> x.2, groupUniqArrayMerge(items)) AS negativity,
        arrayMax(x -> x.3, groupUniqArrayMerge(items)) AS exposure_reach,
        sumIf(inserts, length(cell) = 6) AS county_inserts
    FROM {{db}}.media_hourly_counted
    ARRAY JOIN [region_code, substring(region_code, 1, 4), substring(region_code, 1, 2)] AS cell
    WHERE toDate(hour) IN {days:Array(Date)}
    GROUP BY cell_key, hour
)
SETTINGS final = 0
