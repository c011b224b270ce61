#!/usr/bin/env bash
# CI for the front-end kits (called by .ci/run after the Maven suite, which built the launcher's jars):
#   1. Debian packages the kits need (installed only when missing)
#   2. Python kit: unit tests; C kit: build (-Werror), unit tests, valgrind, ASan/UBSan, fuzzers
#   3. cross-language frames: the Java encoder writes the grid, Python and C parse every frame
#      and must agree with the Java parser exactly
#   4. loopback against the real controller (./isac serve): the Java simulated radio, the Python
#      and the C front end, 1000 reports at 1 kHz each with rzf (Python also with a hybrid
#      hello), the documented rejects for bad input, then again over mutual TLS
# Environment: FUZZ_SECONDS (default 30 per harness), CLIENTS_PORT (default 7430).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PY=/usr/bin/python3
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
PORT=${CLIENTS_PORT:-7430}
WORK=$(mktemp -d /tmp/isac-clients.XXXXXX)
SERVE_PID=""
cleanup() {
  if [[ -n "$SERVE_PID" ]] && kill -0 "$SERVE_PID" 2>/dev/null; then
    kill "$SERVE_PID" 2>/dev/null || true
    wait "$SERVE_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
step() { echo; echo "== clients: $*"; }

step "Debian packages"
need=()
for p in python3 python3-protobuf python3-numpy protobuf-compiler cmake gcc libprotobuf-c-dev protobuf-c-compiler \
         libssl-dev clang libclang-rt-14-dev valgrind; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if ((${#need[@]})); then
  echo "installing ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# the JDK the launcher uses (>= 25), for the frame-vector writer
java_bin() {
  local c v
  for c in "${ISAC_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-*-jdk* /usr/lib/jvm/*; do
    [[ -n "$c" && -x "$c/bin/java" ]] || continue
    v=$("$c/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1)
    if [[ "$v" =~ ^[0-9]+$ && "$v" -ge 25 ]]; then echo "$c/bin/java"; return 0; fi
  done
  return 1
}
JAVA=$(java_bin) || { echo "clients: no JDK >= 25" >&2; exit 3; }
JAR_CP="$ROOT/tools/target/isac-tools.jar:$ROOT/tools/target/lib/*"
[[ -f "$ROOT/tools/target/isac-tools.jar" ]] || ./isac build

step "cross-language frame vectors (Java encoder and parser)"
"$JAVA" -cp "$JAR_CP" org.isac.fpga.vectors.FrameVectors "$WORK/frame-vectors.txt"
export ISACFE_FRAME_VECTORS="$WORK/frame-vectors.txt"

step "Python kit: unit tests and the cross-language frames"
clients/python/test.sh

step "C kit: gcc build (-Werror), unit tests, valgrind"
cmake -S clients/c -B "$WORK/c" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$WORK/c" -j2 >/dev/null
"$WORK/c/test_frame" fpga-bridge/FRAME.md "$ISACFE_FRAME_VECTORS"
(cd "$WORK/c" && ctest --output-on-failure)
for t in test_frame test_wire test_regfile test_session test_report; do
  valgrind -q --error-exitcode=9 --leak-check=full "$WORK/c/$t" fpga-bridge/FRAME.md >/dev/null
done
echo "valgrind: clean"

step "C kit: clang with ASan/UBSan, libFuzzer harnesses (${FUZZ_SECONDS} s each)"
CC=clang cmake -S clients/c -B "$WORK/asan" -DISACFE_SANITIZE=ON -DISACFE_FUZZ=ON >/dev/null
cmake --build "$WORK/asan" -j2 >/dev/null
(cd "$WORK/asan" && ctest --output-on-failure)
for f in frame stream; do
  mkdir -p "$WORK/corpus-$f"   # new inputs go here; the seeds in the repository stay as they are
  "$WORK/asan/fuzz_$f" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 "$WORK/corpus-$f" "clients/c/fuzz/corpus/$f" \
    2>"$WORK/fuzz-$f.log" || { tail -40 "$WORK/fuzz-$f.log"; exit 1; }
  grep -E "stat::number_of_executed_units" "$WORK/fuzz-$f.log" | sed "s/^/fuzz_$f: /"
done

start_serve() { # args: extra serve options
  ./isac serve --port "$PORT" --metrics-port $((PORT + 1)) --stats-every 0 "$@" >"$WORK/serve.log" 2>&1 &
  SERVE_PID=$!
  for _ in $(seq 1 120); do
    if grep -q "listening on" "$WORK/serve.log"; then return 0; fi
    kill -0 "$SERVE_PID" 2>/dev/null || { cat "$WORK/serve.log"; return 1; }
    sleep 0.5
  done
  cat "$WORK/serve.log"; return 1
}
stop_serve() {
  kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true; SERVE_PID=""
}
metric() { # name -> value from the controller's metrics endpoint
  $PY - "$PORT" "$1" <<'PYEOF'
import sys, urllib.request
port, name = int(sys.argv[1]) + 1, sys.argv[2]
text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
print(int(sum(float(l.split()[-1]) for l in text.splitlines() if l.startswith(name + " ") or l.startswith(name + "{"))))
PYEOF
}

step "capture: 1000 reports of recorded-style CSI (16 x 4, 1 kHz)"
$PY clients/python/examples/make_capture.py "$WORK/cap.npz" --reports 1000 -n 16 -k 4 --raw "$WORK/cap.raw"
$PY clients/python/examples/make_capture.py "$WORK/cap-hybrid.npz" --reports 1000 -n 16 -k 2 --seed 2

loopback() { # $1 = label, $2 = TLS dir or ""
  local label=$1 tls=$2 simtls=() pytls=() ctls=()
  if [[ -n "$tls" ]]; then simtls=(--tls "$tls"); pytls=(--tls "$tls"); ctls=(--tls "$tls"); fi
  step "loopback ($label): Java simulated radio, rzf, 1000 reports at 1 kHz (after a 3 s warm-up of the controller)"
  ./isac sim --port "$PORT" --solver rzf --rate-hz 1000 --reports 1000 -n 16 -k 4 --deadline-us 2000 --load \
    --radios 1 --warmup-seconds 3 --report "$WORK/$label-java.json" "${simtls[@]}" | grep -E "^reports:|latency"
  step "loopback ($label): Python front end, rzf"
  $PY clients/python/examples/replay_capture.py "$WORK/cap.npz" --port "$PORT" --radio py-0 --solver rzf \
    --deadline-us 2000 --check --json "$WORK/$label-python.json" "${pytls[@]}"
  step "loopback ($label): C front end, rzf"
  "$WORK/c/isacfe-replay" "$WORK/cap.raw" --port "$PORT" --radio c-0 --solver rzf --deadline-us 2000 --check \
    --json "$WORK/$label-c.json" "${ctls[@]}"
  step "loopback ($label): Python front end, hybrid hello (M = 4, 6-bit phases, 9-bit BFP), hybrid-pga"
  $PY clients/python/examples/replay_capture.py "$WORK/cap-hybrid.npz" --port "$PORT" --radio py-hybrid \
    --rf-chains 4 --phase-bits 6 --baseband-bits 9 --solver hybrid-pga --targets-deg 20,-35 --param outer=5 \
    --param inner=2 --deadline-us 5000 --check --json "$WORK/$label-python-hybrid.json" "${pytls[@]}"
}

summary() { # $1 = label
  $PY - "$WORK" "$1" <<'PYEOF'
import json, sys
work, label = sys.argv[1], sys.argv[2]
rows = []
j = json.load(open(f"{work}/{label}-java.json"))
lat = j["latency_ns"]
rows.append(("Java sim (rzf)", j["reports_sent"], j["reports_answered"], j["reports_applied"], j["unaccounted"],
             lat["p50"] / 1e3 if lat.get("p50") else float("nan"), lat["p99"] / 1e3 if lat.get("p99") else float("nan")))
for name, f in (("Python (rzf)", "python"), ("C (rzf)", "c"), ("Python hybrid (hybrid-pga)", "python-hybrid")):
    d = json.load(open(f"{work}/{label}-{f}.json"))
    rows.append((name, d["reports"], d["answers"], d["applied"], d["unaccounted"], d["rtt_p50_us"], d["rtt_p99_us"]))
print(f"\n{label}: per client, 1000 reports at 1 kHz against one ./isac serve")
print(f"| client | reports | answers | applied | unaccounted | p50 us | p99 us |")
print(f"|---|---:|---:|---:|---:|---:|---:|")
for r in rows:
    print(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} | {r[5]:.0f} | {r[6]:.0f} |")
bad = [r[0] for r in rows if r[4] != 0 or r[1] != r[2]]
if bad:
    sys.exit(f"unaccounted reports: {bad}")
PYEOF
}

step "controller on 127.0.0.1:$PORT (plain TCP)"
start_serve
loopback plain ""
step "documented rejects for bad client input (Python and C, against the controller)"
ISACFE_CONTROLLER="127.0.0.1:$PORT" $PY -m unittest discover -s clients/python/tests -t clients/python -p 'test_controller.py'
ISACFE_CONTROLLER="127.0.0.1:$PORT" "$WORK/c/test_controller"
mismatch=$(metric isac_ack_crc_mismatch_total)
ignored=$(metric isac_acks_ignored_total)
echo "controller: ack CRC mismatches $mismatch, acks ignored $ignored"
[[ "$mismatch" == 0 && "$ignored" == 0 ]] || { echo "clients: acknowledged CRCs differ from the frames sent" >&2; exit 1; }
summary plain
stop_serve

step "controller with mutual TLS (a throwaway lab from ./isac certs)"
./isac certs --dir "$WORK/lab" --radio sim-0,sim-0-warm-up,py-0,c-0,py-hybrid >/dev/null
start_serve --tls "$WORK/lab"
loopback tls "$WORK/lab"
summary tls
stop_serve
echo; echo "clients: all green"
