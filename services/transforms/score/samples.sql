-- Sample record ids behind the scores of warned cells, at every region level at once (a cell is
-- `product|region code`, the code's length telling its level), so every number a user sees can be
-- traced to records: the latest complaints of the week, the failed spot checks of the year, the most
-- negative media items of the week. Same time bounds as score.sql.
WITH toStartOfHour({t:DateTime64(3, 'UTC')}) AS t_h, toDate({t:DateTime64(3, 'UTC')}, 'UTC') AS t_day
-- Latest first, ties by id: the same five ids on every run.
SELECT product_code, cell, source, arrayMap(x -> x.2, arraySlice(arrayReverseSort(groupArray((at, id))), 1, 5)) AS ids
FROM
(
    SELECT product_code, cell, 'complaints' AS source, id, received_at AS at
    FROM {{db}}.complaints
    ARRAY JOIN [region_code, substring(region_code, 1, 4), substring(region_code, 1, 2)] AS cell
    WHERE concat(product_code, '|', cell) IN {cells:Array(String)}
      AND kind IN ('complaint', 'report') AND received_at < t_h AND received_at >= t_h - INTERVAL 7 DAY
    UNION ALL
    SELECT product_code, cell, 'spotcheck' AS source, id, coalesce(published_at, sampled_at) AS at
    FROM {{db}}.spot_checks
    ARRAY JOIN [region_code, substring(region_code, 1, 4), substring(region_code, 1, 2)] AS cell
    WHERE concat(product_code, '|', cell) IN {cells:Array(String)}
      AND result = 'fail' AND toDate(coalesce(published_at, sampled_at)) < t_day AND toDate(coalesce(published_at, sampled_at)) >= t_day - 365
    UNION ALL
    SELECT product_code, cell, 'media' AS source, id, published_at AS at
    FROM (SELECT *, arrayJoin(region_codes) AS region_code FROM {{db}}.media_items
          WHERE published_at < t_h AND published_at >= t_h - INTERVAL 7 DAY AND sentiment < 0)
    ARRAY JOIN [region_code, substring(region_code, 1, 4), substring(region_code, 1, 2)] AS cell
    WHERE concat(product_code, '|', cell) IN {cells:Array(String)}
)
GROUP BY product_code, cell, source
ORDER BY product_code, cell, source
