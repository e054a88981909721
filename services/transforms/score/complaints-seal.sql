-- Seals the complaint history of the Beijing days {days}: weighted voices per cell at every region
-- level (a rollup counts a caller once across its counties) as plain numbers, each row tagged with its
-- day's `inserts` total read in the same scan, so the numbers and the total describe the same data
-- even while complaints keep arriving.
INSERT INTO {{db}}.complaints_voices_daily (product_code, cell, cell_key, day, inserts, voices)
SELECT product, cell_code, cell_key, day, sum(county_inserts) OVER (PARTITION BY day) AS inserts, voices
FROM
(
    -- Grouped by one hashed key: by (product_code, cell) ClickHouse is several times slower.
    SELECT cityHash64(product_code, cell) AS cell_key, day, any(product_code) AS product, any(cell) AS cell_code,
        uniqExactMerge(voices) AS voices, sumIf(inserts, length(cell) = 6) AS county_inserts
    FROM {{db}}.complaints_daily
    ARRAY JOIN [region_code, substring(region_code, 1, 4), substring(region_code, 1, 2)] AS cell
    WHERE day IN {days:Array(Date)}
    GROUP BY cell_key, day
)
SETTINGS final = 0
