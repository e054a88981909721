-- media_hourly has had no reader since 0008: scoring reads media_hourly_counted, which holds the same
-- item sets with their `inserts` totals, yet every media insert still paid for both views. The view
-- goes first, so no insert writes into a table being dropped.
DROP VIEW IF EXISTS {{db}}.media_hourly_mv;

DROP TABLE IF EXISTS {{db}}.media_hourly;
