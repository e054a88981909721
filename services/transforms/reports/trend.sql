-- New and raised warnings (opened or escalated) per Beijing day and level, from {trend_start} (a
-- Beijing midnight) to {end}. Days without events are filled in by the caller.
SELECT toString(toDate(evaluated_at, 'Asia/Shanghai')) AS day, level, count() AS n
FROM {{db}}.warnings
WHERE evaluated_at >= {trend_start:DateTime64(3, 'UTC')} AND evaluated_at < {end:DateTime64(3, 'UTC')}
  AND event IN ('opened', 'escalated')
  AND startsWith(region_code, {prefix:String})
GROUP BY day, level
ORDER BY day, level
