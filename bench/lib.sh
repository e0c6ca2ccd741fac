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

# shipped_haproxy WORK NAME BIND [SED_ARGS...]: HAProxy on BIND with the shipped
# examples/haproxy/haproxy.cfg and bucketdns.lua, its maps WORK/buckets.map and WORK/regions.map
# (created empty), its socket WORK/NAME.sock, the look-up at $LOOKUP (host:port), the lab's gateways
# as backends and no request log (it would cost the proxy time); SED_ARGS edit the config further.
# Waits until BIND accepts; HAPROXY_PID is the process. Needs the lab's variables (lab_slot_env).
shipped_haproxy() {
  local work=$1 name=$2 bind=$3; shift 3
  touch "$work/buckets.map" "$work/regions.map"
  sed -e "s|/run/haproxy/admin.sock|$work/$name.sock|" -e "s|/etc/haproxy/buckets.map|$work/buckets.map|" \
      -e "s|/etc/haproxy/regions.map|$work/regions.map|" -e "s|/etc/haproxy/bucketdns.lua|$ROOT/examples/haproxy/bucketdns.lua|" \
      -e "s|setenv BUCKETDNS_LOOKUP .*|setenv BUCKETDNS_LOOKUP ${LOOKUP:-127.0.0.1:9781}|" \
      -e "s|bind 192.0.2.10:80|bind $bind|" -e "s|10.0.1.5:8080|$RGWLAB_EU_ADDR|; s|10.0.1.6:8080|$RGWLAB_EU_ADDR|" \
      -e "s|10.0.2.5:8080|$RGWLAB_US_ADDR|" -e "s|^    log stdout.*|    # no request log: it would cost the proxy time|" \
      -e "s|^    option httplog||" "$@" "$ROOT/examples/haproxy/haproxy.cfg" > "$work/$name.cfg"
  haproxy -db -f "$work/$name.cfg" > "$work/$name.out" 2>&1 &
  HAPROXY_PID=$!
  for _ in $(seq 1 50); do (echo > "/dev/tcp/${bind%:*}/${bind#*:}") 2>/dev/null && return 0; sleep 0.1; done
  cat "$work/$name.out" >&2; echo "HAProxy never listened on $bind" >&2; return 1
}

# proxy_bucketdns WORK: bucketdns at its defaults on the lab (rgw catalog, no DNS listener, no ops
# port), feeding WORK/buckets.map and answering HAProxy's look-ups at $LOOKUP; BUCKETDNS_PID is the
# process, its output WORK/bucketdns.out. Returns once the feed has written the map from the first
# catalog and the look-up port accepts.
proxy_bucketdns() {
  local work=$1
  cat > "$work/rgw-pdns.conf" <<CONF
[powerdns]
listen_addr =
dns_zone = o.example.com
dns_soa_record = ns1.o.example.com. hostmaster.example.com. 1 7200 3600 1209600 60
rgw_endpoint = $RGWLAB_EU_URL, $RGWLAB_US_URL
rgw_access_key = $RGWLAB_ADMIN_ACCESS_KEY
rgw_secret_key = $RGWLAB_ADMIN_SECRET_KEY
[catalog]
source = rgw
[ops]
listen =
[haproxy]
map = $work/buckets.map
lookup = $LOOKUP
CONF
  "$ROOT/bin/bucketdns" serve --config "$work/rgw-pdns.conf" > "$work/bucketdns.out" 2>&1 &
  BUCKETDNS_PID=$!
  for _ in $(seq 1 600); do
    grep -q "written by bucketdns" "$work/buckets.map" 2>/dev/null && (echo > "/dev/tcp/${LOOKUP%:*}/${LOOKUP#*:}") 2>/dev/null && return 0
    sleep 0.1
  done
  tail -20 "$work/bucketdns.out" >&2; echo "bucketdns never wrote the map or never took look-ups" >&2; return 1
}
