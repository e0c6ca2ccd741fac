# Shared by the bench scripts that run on the RGW lab or compare with a previous release:
#   source "$ROOT/bench/lib.sh"
# Needs ROOT (the checkout) set by the caller.

# The lab's run dir, addresses and mon port for slot BUCKETDNS_LAB_SLOT (0-9, default 0), as the
# tests pick them: exported for scripts/rgw-lab; SLOT is set too.
lab_slot_env() {
  SLOT=${BUCKETDNS_LAB_SLOT:-0}
  if [ "$SLOT" = 0 ]; then RGWLAB_RUN=/tmp/bucketdns-rgw-e2e; else RGWLAB_RUN=/tmp/bucketdns-rgw-e2e-$SLOT; fi
  export RGWLAB_RUN RGWLAB_EU_ADDR=127.0.$SLOT.21:8000 RGWLAB_US_ADDR=127.0.$SLOT.22:8000 RGWLAB_MON_ADDR=127.0.0.1:$((3390 + SLOT))
}

# lab_start LOG: a fresh lab for this slot (one left by an earlier run is stopped first), its
# variables (RGWLAB_*_URL, the keys) set in this shell; the lab's output goes to LOG, shown when
# it fails. Call lab_slot_env first.
lab_start() {
  bash "$ROOT/scripts/rgw-lab" stop >/dev/null 2>&1 || true
  bash "$ROOT/scripts/rgw-lab" start >"$1" 2>&1 || { cat "$1" >&2; return 1; }
  eval "$(bash "$ROOT/scripts/rgw-lab" env)"
}

# test_classpath: compiles the tests and prints the classpath that runs them (the benchmarks
# under src/test), relative to ROOT.
test_classpath() {
  (cd "$ROOT" && mvn -q -B -DskipTests -DskipE2E test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2)
  echo "target/test-classes:target/classes:$(cat "$ROOT/target/bench.classpath")"
}

# A TCP and UDP port nothing listens on now, on 127.0.0.1.
free_port() {
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 30000))
    ss -Hlntu | awk '{print $5}' | grep -q ":$p\$" || { echo "$p"; return 0; }
  done
  echo "no free port found" >&2
  return 1
}

# build_ref GIT_REF DIR: builds that commit's jar in DIR (DIR/target/bucketdns.jar), tests skipped.
build_ref() {
  mkdir -p "$2"
  git -C "$ROOT" archive "$1" | tar -x -C "$2"
  (cd "$2" && mvn -B -q -ntp package -DskipTests >"$2/build.log" 2>&1) || { cat "$2/build.log" >&2; return 1; }
}

# User and system CPU time of a process, in clock ticks (100 a second on Linux).
cpu_ticks() {
  awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}
