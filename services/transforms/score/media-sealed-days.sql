-- Marks the UTC days {days} of media history sealed, with the total their numbers were sealed at (the
-- largest: a day's totals only grow, and older seals of it may not be merged away yet). Run after
-- media-seal.sql has stored every row, so a day is never marked before its numbers are complete.
INSERT INTO {{db}}.media_seals (day, inserts)
SELECT day, max(inserts)
FROM {{db}}.media_negativity_hourly
WHERE day IN {days:Array(Date)}
GROUP BY day
SETTINGS final = 0
