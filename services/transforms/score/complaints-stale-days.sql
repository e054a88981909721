-- Each Beijing day of complaint history a pass at {t} reads (the {history_days} complete days before
-- t's own Beijing day), with its `inserts` total now and whether that total has been sealed
-- (complaints_seals): a sealed day's numbers in complaints_voices_daily are exactly its data now.
WITH toDate(toStartOfHour({t:DateTime64(3, 'UTC')}), 'Asia/Shanghai') AS b_day
SELECT day, inserts, (day, inserts) IN (SELECT day, inserts FROM {{db}}.complaints_seals) AS sealed
FROM
(
    SELECT day, sum(inserts) AS inserts
    FROM {{db}}.complaints_daily
    WHERE day < b_day AND day >= b_day - {history_days:UInt16}
    GROUP BY day
)
ORDER BY day
-- complaints_daily is read as stored (sums only); FINAL would merge its states for nothing.
SETTINGS final = 0
