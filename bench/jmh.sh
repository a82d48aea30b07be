#!/usr/bin/env bash
# JMH microbenchmarks of the per-record path (filters of each kind, header stamping); not part of the test suite.
#   bench/jmh.sh                 # all benchmarks
#   bench/jmh.sh jsonIn -f 2     # any JMH options
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh-classpath.txt
exec java -cp "target/test-classes:target/classes:$(cat target/jmh-classpath.txt)" org.openjdk.jmh.Main "${@:-dev.ferry.jmh}"
