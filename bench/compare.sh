#!/usr/bin/env bash
# Ferry against a tuned hand-written consumer->producer loop ("passthrough") and MirrorMaker 2, one after the other, each
# on two fresh real Kafka brokers on this machine (broker processes from the test class path; MirrorMaker 2 4.3.1 from
# Maven Central). Needs only a JDK 17+: builds Ferry, resolves MirrorMaker 2's class path once, and runs
# dev.ferry.bench.CopyBench (src/test/java/dev/ferry/bench). Prints one summary line per run and contender, each run's
# ratios and, with --runs > 1, the medians. See README "Performance".
#   bench/compare.sh                                   # 1,000,000 x 1 KiB random values, 6 partitions, one run, verified
#   bench/compare.sh --runs 3                          # three runs (passthrough, mm2, ferry in each), medians
#   bench/compare.sh --payload json --compression lz4 --contenders ferry      # compressible JSON; one compression for all
#   bench/compare.sh --records 200000 --ferry-args '--ferry.kafka-streams.num.stream.threads=1'
#   bench/compare.sh --fast-start                      # Ferry started the fast way (README "Starting fast")
# Options: --records N, --size BYTES, --partitions P, --runs R, --contenders passthrough,mm2,ferry, --payload random|json,
# --compression none|lz4|zstd|... (every contender's producer; without it passthrough and mm2 use none and Ferry its
# shipped default), --ferry-java-opts (default -Xmx256m, as README starts it), --ferry-args, --ferry-jar, --repl-java-opts
# (passthrough and mm2, default -Xms512m -Xmx2g), --no-verify, --timeout S, --work DIR (default $TMPDIR/ferry-bench: each
# run's logs and command lines stay there), --keep (keep the brokers' data too).
# 1,000,000 x 1 KiB needs about 3 GB free in the work folder while a run lasts.
set -euo pipefail
if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then
  sed -n '2,/^set -euo pipefail/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
  exit 0
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
./mvnw -q -B -DskipTests package
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench/classpath.txt
if [[ ! -f target/bench/mm2-lib/connect-mirror-4.3.1.jar ]]; then
  ./mvnw -q -B -f bench/mm2/pom.xml dependency:copy-dependencies -DoutputDirectory="$ROOT/target/bench/mm2-lib"
fi
JAR="$ROOT/$(ls target/ferry-*.jar | head -n 1)"
args=()
fast=0
for a in "$@"; do
  if [[ "$a" == --fast-start ]]; then fast=1; else args+=("$a"); fi
done
if [[ $fast == 1 ]]; then
  bin/fast-start "$JAR" "$ROOT/target/bench/fast"
  args+=(--ferry-jar "$ROOT/target/bench/fast/ferry.jar" --ferry-java-opts "-Xmx256m -XX:SharedArchiveFile=$ROOT/target/bench/fast/ferry.jsa")
fi
exec java -Xmx1g -Dbench.ferry.jar="$JAR" -Dbench.mm2.lib="$ROOT/target/bench/mm2-lib" \
  -cp "$ROOT/target/test-classes:$ROOT/target/classes:$(cat target/bench/classpath.txt)" dev.ferry.bench.CopyBench ${args[@]+"${args[@]}"}
