#!/usr/bin/env bash
# Ferry with a JSON-field filter that passes half the records, on the shared harness's brokers (../shared/bench).
# The harness pre-loads random (non-JSON) values, so Ferry's command first loads its own source topic bench.json with
# 2N JSON values of 1 KiB (bench/JsonLoad.java; "status" is the last field, PAID on every other record), then runs
# Ferry with one stream bench.json -> bench.orders, filter json /status equals PAID. The harness watches the N passing
# copies; Ferry's INPUT rate is 2 x steady_rec_per_s (the load happens before the first copy, inside ttfr_s).
#   bench/json-filter.sh                       # N = 500,000 passing of 1,000,000 read, --verify
#   bench/json-filter.sh --records 250000      # any option of the harness's run.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
HARNESS="${FERRY_BENCH_HARNESS:-$ROOT/../shared/bench}"
[[ -f "$HARNESS/run.sh" ]] || { echo "bench harness not found at $HARNESS (set FERRY_BENCH_HARNESS)" >&2; exit 1; }
if [[ $# -eq 0 ]]; then set -- --records 500000 --verify; fi
RECORDS=1000000; args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do [[ "${args[$i]}" == --records ]] && RECORDS="${args[$((i + 1))]}"; done

source "$HERE/prepare.sh"

export FERRY_JSON_RECORDS="$RECORDS" FERRY_DIR="$WORK/ferry" FERRY_JSON_LOADER="$HERE/JsonLoad.java"
CMD='java -cp "$FERRY_DIR/lib/*" "$FERRY_JSON_LOADER" $SOURCE_BOOTSTRAP bench.json $FERRY_JSON_RECORDS $BENCH_PARTITIONS && exec java $REPL_JAVA_OPTS -XX:SharedArchiveFile="$FERRY_DIR/ferry.jsa" ${FERRY_JAVA_OPTS:-} -jar "$FERRY_DIR/ferry.jar" --server.port=0 --ferry.offset-sync.enabled=false --ferry.source.alias=src --ferry.destination.alias=dst --ferry.source.bootstrap-servers=$SOURCE_BOOTSTRAP --ferry.destination.bootstrap-servers=$DEST_BOOTSTRAP --ferry.streams[0].name=json --ferry.streams[0].source=bench.json --ferry.streams[0].destination=$DEST_TOPIC --ferry.streams[0].filter.json.path=/status --ferry.streams[0].filter.json.equals=PAID ${FERRY_ARGS:-}'
LINE="$(bash "$WORK/harness/run.sh" --replicator cmd --cmd "$CMD" --dest-topic bench.orders "$@")"
echo "$LINE"
steady="$(sed -n 's/.*steady_rec_per_s=\([0-9.]*\).*/\1/p' <<<"$LINE")"
[[ -n "$steady" ]] && awk -v s="$steady" 'BEGIN { printf "ferry json filter: input_rec_per_s=%.0f (2 x steady: half of the records read pass)\n", 2 * s }'
