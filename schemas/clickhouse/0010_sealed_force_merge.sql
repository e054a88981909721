-- The pass reads the sealed history with FINAL (a day sealed by two passes at once holds its numbers
-- twice), which costs nothing on a month stored as one part but merges on every read a month left in
-- several. Seals write a month in several parts (16-day batches, then a day or two at a time), and the
-- background merges left them so for hours: +1.5 s a pass at 100,000 cells. Once a month's parts are
-- all five minutes old, ClickHouse now merges them into one.
ALTER TABLE {{db}}.complaints_voices_daily MODIFY SETTING min_age_to_force_merge_seconds = 300, min_age_to_force_merge_on_partition_only = 1;

ALTER TABLE {{db}}.media_negativity_hourly MODIFY SETTING min_age_to_force_merge_seconds = 300, min_age_to_force_merge_on_partition_only = 1;
