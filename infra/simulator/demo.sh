#!/bin/sh
# The demo feed (docker compose --profile demo): DEMO_DAYS of history produced at full speed, with
# three incidents in the last day so that scoring raises warnings at once, then a live feed that
# follows the wall clock for a week. Runs in the qrm image (working directory /app).
set -eu
days="${DEMO_DAYS:-63}"
rate="${DEMO_RATE:-0.05}"
seed="${DEMO_SEED:-7}"
now=$(date -u +%s)
start=$(date -u -d "@$((now - days * 86400))" +%Y-%m-%dT%H:%M:%SZ)
incident_start=$(date -u -d "@$((now - 20 * 3600))" +%Y-%m-%dT%H:%M:%SZ)
incident=":start=${incident_start}:hours=18:intensity=12"
echo "demo feed: ${days} days from ${start} at ${rate}/s (seed ${seed}), incidents from ${incident_start}, then live"
exec node bin/qrm.js simulate \
  --realtime \
  --start "$start" \
  --duration "$((days + 7))d" \
  --rate "$rate" \
  --seed "$seed" \
  --invalid-rate 0.01 \
  --incident "complaint_surge:waterproof_membrane:130184${incident}" \
  --incident "media_expose:toy:440515${incident}" \
  --incident "spotcheck_failures:wood_panel:371721${incident}"
