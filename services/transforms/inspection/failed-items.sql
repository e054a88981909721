-- Test items that failed in spot checks of product {product} in region {region_prefix} in the 365
-- days before {t} (same bounds as the failed spot checks of enterprises.sql), with the number of
-- failed samples naming each. Most frequent first, then safety before performance before labelling.
WITH toDate({t:DateTime64(3, 'UTC')}, 'Asia/Shanghai') AS t_day
SELECT item, hazard, uniqExact(id) AS times
FROM {{db}}.spot_checks
ARRAY JOIN failed_items.item AS item, failed_items.hazard AS hazard
WHERE product_code = {product:String} AND startsWith(region_code, {region_prefix:String})
  AND result = 'fail' AND item != ''
  AND toDate(coalesce(published_at, sampled_at)) < t_day
  AND toDate(coalesce(published_at, sampled_at)) >= t_day - 365
  AND coalesce(published_at, sampled_at) < {t:DateTime64(3, 'UTC')}
GROUP BY item, hazard
ORDER BY times DESC, indexOf(['safety', 'performance', 'labeling'], hazard), item
LIMIT 50
