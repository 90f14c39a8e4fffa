#!/usr/bin/env bash
# Feeds CloudTrail JSON lines into the compose setup's cloudtrail topic, one record a message, keyed
# by account as a producer should (README "Production → Kafka"): an account's records stay on one
# partition, in order, on one instance.
#
#   docker/feed-sample.sh                   # the bundled attack sample (17 alerts)
#   docker/feed-sample.sh my-trail.jsonl    # any JSON-lines CloudTrail
#   TOPIC=other docker/feed-sample.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
input="${1:-$here/../samples/cloudtrail-sample.jsonl}"
TOPIC="${TOPIC:-cloudtrail}"

if [[ ! -r "$input" ]]; then
  echo "cannot read $input: give a JSON-lines CloudTrail file" >&2
  exit 1
fi

# key<TAB>record; the key is recipientAccountId (or the caller's accountId), "unknown" when neither is there.
awk '{
  key = "unknown"
  if (match($0, /"recipientAccountId":"[0-9]+"/)) key = substr($0, RSTART + 22, RLENGTH - 23)
  else if (match($0, /"accountId":"[0-9]+"/)) key = substr($0, RSTART + 13, RLENGTH - 14)
  if (length($0) > 0) print key "\t" $0
}' "$input" |
  docker compose -f "$here/docker-compose.yml" exec -T kafka \
    /opt/kafka/bin/kafka-console-producer.sh --bootstrap-server localhost:9092 --topic "$TOPIC" \
    --property parse.key=true

echo "fed $(grep -c . "$input") record(s) from $input into topic $TOPIC" >&2
