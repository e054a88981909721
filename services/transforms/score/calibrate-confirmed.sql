-- County warnings an inspection confirmed (an outcome reporting violations) that opened before {to}
-- or in the week after it (their outbreak began up to a week before): their weeks belong to an
-- outbreak, so `qrm calibrate` leaves them out of the rate of warnings it measures. `resolved` is
-- null while the warning is open.
SELECT
    product_code,
    region_code,
    min(opened_at) AS opened,
    if(countIf(event = 'resolved') > 0, maxIf(evaluated_at, event = 'resolved'), NULL) AS resolved
FROM {{db}}.warnings
WHERE region_level = 'county'
  AND opened_at < {to:DateTime64(3, 'UTC')} + INTERVAL 7 DAY
  AND warning_id IN (SELECT warning_id FROM {{db}}.warning_feedback WHERE kind = 'outcome' AND violations_found > 0)
GROUP BY warning_id, product_code, region_code
