-- The cells with the highest score in the period, whatever their warning state: a cell that peaked
-- just under a threshold is worth a look too.
SELECT
    product_code,
    region_code,
    region_level,
    max(score) AS max_score,
    argMax(level, score) AS max_level,
    argMax(evaluated_at, score) AS max_at,
    countIf(level != '') AS warning_passes
FROM {{db}}.risk_scores
WHERE evaluated_at >= {start:DateTime64(3, 'UTC')} AND evaluated_at < {end:DateTime64(3, 'UTC')}
  AND startsWith(region_code, {prefix:String})
GROUP BY product_code, region_code, region_level
ORDER BY max_score DESC, product_code, region_level, region_code
LIMIT {top:UInt32}
