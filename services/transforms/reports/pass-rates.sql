-- Spot-check results per product in the period and the one before, by the time the result became
-- known (published; sampled when there is no publication date), as scoring counts them. Read from
-- the raw table (with FINAL) rather than spot_checks_daily because that view's days are UTC days and
-- report periods are Beijing days or months.
--
-- sampled_at bounds the scan to the partitions that can hold such results: a result is never known
-- before its sample was taken, and labs publish well within a year of sampling.
SELECT
    product_code,
    countIf(known >= {start:DateTime64(3, 'UTC')}) AS samples,
    countIf(known >= {start:DateTime64(3, 'UTC')} AND result = 'pass') AS passed,
    countIf(known < {start:DateTime64(3, 'UTC')}) AS prev_samples,
    countIf(known < {start:DateTime64(3, 'UTC')} AND result = 'pass') AS prev_passed
FROM (
    SELECT product_code, result, coalesce(published_at, sampled_at) AS known
    FROM {{db}}.spot_checks
    WHERE sampled_at < {end:DateTime64(3, 'UTC')}
      AND sampled_at >= {prev_start:DateTime64(3, 'UTC')} - INTERVAL 366 DAY
      AND startsWith(region_code, {prefix:String})
)
WHERE known >= {prev_start:DateTime64(3, 'UTC')} AND known < {end:DateTime64(3, 'UTC')}
GROUP BY product_code
ORDER BY product_code
