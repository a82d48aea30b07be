# Sourced by the bench scripts (needs ROOT and HARNESS): builds Ferry, extracts it as the container image runs it
# (Dockerfile: ferry.jar + lib/) into $WORK/ferry, and copies the harness to $WORK/harness (it builds into its own target/).
(cd "$ROOT" && ./mvnw -q -B -DskipTests package)
UBER_JAR="$(ls "$ROOT"/target/ferry-*.jar | head -n 1)"
WORK="${TMPDIR:-/tmp}/ferry-bench"
mkdir -p "$WORK"
rm -rf "$WORK/ferry"
java -Djarmode=tools -jar "$UBER_JAR" extract --application-filename ferry.jar --destination "$WORK/ferry" >/dev/null
rsync -a --delete --exclude target "$HARNESS/" "$WORK/harness/" 2>/dev/null || { rm -rf "$WORK/harness"; cp -r "$HARNESS" "$WORK/harness"; }
