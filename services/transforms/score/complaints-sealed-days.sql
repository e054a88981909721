-- Marks the Beijing days {days} sealed, with the total their numbers were sealed at (the largest: a
-- day's totals only grow, and older seals of it may not be merged away yet). Run after
-- complaints-seal.sql has stored every row, so a day is never marked before its numbers are complete.
INSERT INTO {{db}}.complaints_seals (day, inserts)
SELECT day, max(inserts)
FROM {{db}}.complaints_voices_daily
WHERE day IN {days:Array(Date)}
GROUP BY day
SETTINGS final = 0
