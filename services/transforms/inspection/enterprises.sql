-- Enterprises to visit for one warned cell: product {product}, region {region_prefix} (a 6-digit
-- county, 4-digit prefecture or 2-digit province code, matched as a prefix of the county code), at
-- evaluation time {t}. Per unified social credit code: its own evidence in the cell, a few sample ids
-- per kind, and a ranking score. Only data known before {t}, with the time bounds of score.sql:
-- complete hours before {t} for complaints and media, complete days (Asia/Shanghai) before {t} for
-- spot checks, plus `at < {t}` because the spot-check day is the stored day (server time zone) and
-- could otherwise admit a result published in the last hours of a day that has not ended.
--
-- Kinds of evidence:
--   fail       failed spot checks of the product in the region, published in the 365 days before
--   past       failed spot checks 366 days to 3 years before (the enterprise's violation record)
--   complaint  complaints and reports (not inquiries or suggestions) naming it in 90 days
--   media      negative media items (sentiment < 0) naming it in 90 days: praise is no reason to visit
--
-- Score = 3 per failed spot check (4 when a safety item failed: the domain weighs a failed safety
-- item above a labelling defect) + 1 per complaint caller (one caller calling ten times is one voice,
-- as in scoring) + 0.5 per media item + 2 per past violation. Ties by credit code: the same ten on
-- every run.
WITH
    toStartOfHour({t:DateTime64(3, 'UTC')}) AS t_h,
    toDate({t:DateTime64(3, 'UTC')}, 'Asia/Shanghai') AS t_day
SELECT
    credit_code,
    argMaxIf(name, (at, id), name != '') AS name,
    uniqExactIf(id, kind = 'fail') AS failed_spot_checks,
    uniqExactIf(id, kind = 'fail' AND safety) AS safety_failures,
    uniqExactIf(id, kind = 'complaint') AS complaints,
    uniqExactIf(voice, kind = 'complaint') AS complaint_callers,
    uniqExactIf(id, kind = 'media') AS media_mentions,
    uniqExactIf(id, kind = 'past') AS past_violations,
    -- Most frequent first, ties by name: the items this enterprise failed in the last year.
    arrayMap(x -> x.2, arraySlice(arraySort(x -> (-x.1, x.2), arrayMap(i -> (countEqual(all_items, i), i), arrayDistinct(all_items))), 1, 3)) AS failed_items,
    groupArrayArrayIf(items, kind = 'fail') AS all_items,
    toString(maxIf(at, kind = 'fail')) AS last_failed_at,
    -- Latest first, ties by id.
    arrayMap(x -> x.2, arraySlice(arrayReverseSort(groupUniqArrayIf((at, id), kind = 'fail')), 1, 5)) AS fail_ids,
    arrayMap(x -> x.2, arraySlice(arrayReverseSort(groupUniqArrayIf((at, id), kind = 'complaint')), 1, 5)) AS complaint_ids,
    arrayMap(x -> x.2, arraySlice(arrayReverseSort(groupUniqArrayIf((at, id), kind = 'media')), 1, 5)) AS media_ids,
    arrayMap(x -> x.2, arraySlice(arrayReverseSort(groupUniqArrayIf((at, id), kind = 'past')), 1, 5)) AS past_ids,
    3 * (failed_spot_checks - safety_failures) + 4 * safety_failures + complaint_callers + 0.5 * media_mentions + 2 * past_violations AS score
FROM
(
    SELECT enterprise_credit_code AS credit_code, enterprise_name AS name, id,
        coalesce(published_at, sampled_at) AS at,
        if(toDate(at) >= t_day - 365, 'fail', 'past') AS kind,
        has(failed_items.hazard, 'safety') AS safety,
        failed_items.item AS items,
        '' AS voice
    FROM {{db}}.spot_checks
    WHERE product_code = {product:String} AND startsWith(region_code, {region_prefix:String})
      AND result = 'fail' AND enterprise_credit_code != ''
      AND toDate(coalesce(published_at, sampled_at)) < t_day
      AND toDate(coalesce(published_at, sampled_at)) >= t_day - 1095
      AND coalesce(published_at, sampled_at) < {t:DateTime64(3, 'UTC')}
    UNION ALL
    SELECT enterprise_credit_code, enterprise_name, id, received_at, 'complaint', false, [],
        if(complainant_phone_hash != '', complainant_phone_hash, id)
    FROM {{db}}.complaints
    WHERE product_code = {product:String} AND startsWith(region_code, {region_prefix:String})
      AND kind IN ('complaint', 'report') AND enterprise_credit_code != ''
      AND received_at < t_h AND received_at >= t_h - INTERVAL 90 DAY
    UNION ALL
    SELECT arrayJoin(arrayDistinct(arrayFilter(c -> c != '', enterprise_credit_codes))), '', id, published_at, 'media', false, [], ''
    FROM {{db}}.media_items
    WHERE product_code = {product:String} AND arrayExists(r -> startsWith(r, {region_prefix:String}), region_codes)
      AND sentiment < 0 AND published_at < t_h AND published_at >= t_h - INTERVAL 90 DAY
)
GROUP BY credit_code
ORDER BY score DESC, credit_code
LIMIT 10
