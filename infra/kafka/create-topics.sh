#!/bin/sh
# Creates qrm's topics on the deployment's Kafka. Input topics get 12 partitions (ingest scales to 12
# consumers per feed); outputs are keyed by warning id so one partition owns a warning.
set -eu
BOOTSTRAP="${BOOTSTRAP:-kafka:9092}"
create() {
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "$1" --partitions "$2" --replication-factor 1 --config retention.ms="$3"
}
DAY=86400000
create qrm.hotline.complaints 12 $((30 * DAY))
create qrm.media.sentiment 12 $((30 * DAY))
create qrm.spotcheck.results 4 $((90 * DAY))
create qrm.dlq 4 $((90 * DAY))
create qrm.risk.warnings 12 $((365 * DAY))
create qrm.inspection.requests 4 $((365 * DAY))
