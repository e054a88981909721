-- Record counts per feed in the period and the one before (by event time), with the flagged share:
-- complaints and reports among hotline tickets, exposés among media items, failures among spot
-- checks. last_at is the latest event time seen in the two periods (freshness of the feed).
-- Media items name several regions, or none (national coverage): with a prefix, an item counts when
-- any region it names is in the bureau's area; without one, every item counts.
SELECT
    'hotline' AS feed,
    countIf(received_at >= {start:DateTime64(3, 'UTC')}) AS records,
    countIf(received_at >= {start:DateTime64(3, 'UTC')} AND kind IN ('complaint', 'report')) AS flagged,
    countIf(received_at < {start:DateTime64(3, 'UTC')}) AS prev_records,
    countIf(received_at < {start:DateTime64(3, 'UTC')} AND kind IN ('complaint', 'report')) AS prev_flagged,
    toString(max(received_at)) AS last_at
FROM {{db}}.complaints
WHERE received_at >= {prev_start:DateTime64(3, 'UTC')} AND received_at < {end:DateTime64(3, 'UTC')}
  AND startsWith(region_code, {prefix:String})
UNION ALL
SELECT
    'media' AS feed,
    countIf(published_at >= {start:DateTime64(3, 'UTC')}) AS records,
    countIf(published_at >= {start:DateTime64(3, 'UTC')} AND exposure = 1) AS flagged,
    countIf(published_at < {start:DateTime64(3, 'UTC')}) AS prev_records,
    countIf(published_at < {start:DateTime64(3, 'UTC')} AND exposure = 1) AS prev_flagged,
    toString(max(published_at)) AS last_at
FROM {{db}}.media_items
WHERE published_at >= {prev_start:DateTime64(3, 'UTC')} AND published_at < {end:DateTime64(3, 'UTC')}
  AND ({prefix:String} = '' OR arrayExists(r -> startsWith(r, {prefix:String}), region_codes))
UNION ALL
SELECT
    'spotcheck' AS feed,
    countIf(known >= {start:DateTime64(3, 'UTC')}) AS records,
    countIf(known >= {start:DateTime64(3, 'UTC')} AND result = 'fail') AS flagged,
    countIf(known < {start:DateTime64(3, 'UTC')}) AS prev_records,
    countIf(known < {start:DateTime64(3, 'UTC')} AND result = 'fail') AS prev_flagged,
    toString(max(known)) AS last_at
FROM (
    SELECT result, coalesce(published_at, sampled_at) AS known
    FROM {{db}}.spot_checks
    WHERE sampled_at < {end:DateTime64(3, 'UTC')}
      AND sampled_at >= {prev_start:DateTime64(3, 'UTC')} - INTERVAL 366 DAY
      AND startsWith(region_code, {prefix:String})
)
WHERE known >= {prev_start:DateTime64(3, 'UTC')} AND known < {end:DateTime64(3, 'UTC')}
