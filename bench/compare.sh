#!/usr/bin/env bash
# Ferry against a tuned consumer->producer loop ("passthrough") and MirrorMaker 2, on two real Kafka brokers started
# on this machine by the shared harness (../shared/bench, see its README). Builds Ferry's jar, copies the harness
# to a scratch folder (it builds into its own target/), and runs its compare.sh with Ferry as the third contender.
#   bench/compare.sh                                  # 1,000,000 x 1 KiB records, 6 partitions, --verify
#   bench/compare.sh --records 200000 --latency      # any option of the harness's run.sh
#   FERRY_JAVA_OPTS='-Xms256m -Xmx256m' FERRY_ARGS='--ferry.kafka-streams.num.stream.threads=1' bench/compare.sh  # extra JVM options / arguments for Ferry's run
#   FERRY_ALONE=1 FERRY_JAVA_OPTS='-Xms256m -Xmx256m' bench/compare.sh          # Ferry only, no passthrough or mm2 (for A/B runs of Ferry's own settings)
# Prints the three summary lines and the ratios; repeat a few times and compare medians.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
HARNESS="${FERRY_BENCH_HARNESS:-$ROOT/../shared/bench}"
[[ -f "$HARNESS/compare.sh" ]] || { echo "bench harness not found at $HARNESS (set FERRY_BENCH_HARNESS)" >&2; exit 1; }

source "$HERE/prepare.sh"
JAR="$WORK/ferry/ferry.jar"

export CMD="exec java \$REPL_JAVA_OPTS -XX:SharedArchiveFile=$WORK/ferry/ferry.jsa \${FERRY_JAVA_OPTS:-} -jar $JAR --server.port=0 --ferry.offset-sync.enabled=false \
--ferry.source.alias=src --ferry.destination.alias=dst \
--ferry.source.bootstrap-servers=\$SOURCE_BOOTSTRAP --ferry.destination.bootstrap-servers=\$DEST_BOOTSTRAP \
--ferry.streams[0].name=bench --ferry.streams[0].source=\$SOURCE_TOPIC --ferry.streams[0].destination=\$DEST_TOPIC \${FERRY_ARGS:-}"
export CMD_DEST_TOPIC=bench.orders
if [[ $# -eq 0 ]]; then set -- --records 1000000 --verify; fi
if [[ "${FERRY_ALONE:-}" == 1 ]]; then
  exec bash "$WORK/harness/run.sh" --replicator cmd --cmd "$CMD" --dest-topic "$CMD_DEST_TOPIC" "$@"
fi
exec bash "$WORK/harness/compare.sh" "$@"
