-- Warning state changes in the period [start, end) within the region prefix ('' = everywhere), most
-- severe first. De-escalations are left out: a report lists what needs attention and what ended.
SELECT warning_id, event, evaluated_at, product_code, region_code, region_level, level, previous_level, score, opened_at
FROM {{db}}.warnings
WHERE evaluated_at >= {start:DateTime64(3, 'UTC')} AND evaluated_at < {end:DateTime64(3, 'UTC')}
  AND event IN ('opened', 'escalated', 'resolved')
  AND startsWith(region_code, {prefix:String})
ORDER BY event, indexOf(['I', 'II', 'III', 'IV'], level), score DESC, evaluated_at, warning_id
