-- Each finished UTC day of media history a pass at {t} reads (its 24-hour spans reach
-- {media_history_days} days back from t's hour; the day of t's hour is read from its states, not
-- sealed), with its `inserts` total now and whether that total has been sealed (media_seals): a
-- sealed day's numbers in media_negativity_hourly are exactly its data now. A day's total is over all
-- of its hours, also those before the pass's first span.
WITH toStartOfHour({t:DateTime64(3, 'UTC')}) AS t_h
SELECT day, inserts, (day, inserts) IN (SELECT day, inserts FROM {{db}}.media_seals) AS sealed
FROM
(
    SELECT toDate(hour) AS day, sum(inserts) AS inserts
    FROM {{db}}.media_hourly_counted
    WHERE hour >= toStartOfDay(t_h - INTERVAL {media_history_days:UInt16} DAY) AND hour < toStartOfDay(t_h)
    GROUP BY day
)
ORDER BY day
-- media_hourly_counted is read as stored (sums only); FINAL would merge its item sets for nothing.
SETTINGS final = 0
