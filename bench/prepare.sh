# Sourced by the bench scripts (needs ROOT and HARNESS): builds Ferry, extracts it as the container image runs it
# (Dockerfile: ferry.jar + lib/) into $WORK/ferry, and copies the harness to $WORK/harness (it builds into its own target/).
(cd "$ROOT" && ./mvnw -q -B -DskipTests package)
UBER_JAR="$(ls "$ROOT"/target/ferry-*.jar | head -n 1)"
WORK="${TMPDIR:-/tmp}/ferry-bench"
mkdir -p "$WORK"
rm -rf "$WORK/ferry"
java -Djarmode=tools -jar "$UBER_JAR" extract --application-filename ferry.jar --destination "$WORK/ferry" >/dev/null
# The image's class data sharing training run (Dockerfile), on the absolute jar path the bench starts Ferry with: an
# archive only fits the class path it was made with. Ferry's runs take -XX:SharedArchiveFile="$WORK/ferry/ferry.jsa".
java -XX:ArchiveClassesAtExit="$WORK/ferry/ferry.jsa" -Dspring.context.exit=onRefresh -jar "$WORK/ferry/ferry.jar" \
  --spring.config.additional-location="file:$ROOT/application.yml" >"$WORK/ferry/training.log" 2>&1 \
  || { echo "class data sharing training failed, see $WORK/ferry/training.log" >&2; exit 1; }
rsync -a --delete --exclude target "$HARNESS/" "$WORK/harness/" 2>/dev/null || { rm -rf "$WORK/harness"; cp -r "$HARNESS" "$WORK/harness"; }
