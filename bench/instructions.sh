#!/usr/bin/env bash
# Marginal machine instructions per simulated request of the seed benchmark, counted by valgrind.
#
#   bash bench/instructions.sh [ref]      # ref: a git commit (default: the working tree)
#
# Timing on a shared VM drifts up to 2x within minutes, so a 5 % change is invisible in
# requests/s. Instruction counts do not drift: this bundles the benchmark (esbuild), runs the seed
# scenario for 2 s and for 5 s of simulated time under `valgrind --tool=cachegrind --cache-sim=no`
# with synchronous compilation (`node --single-threaded`), and divides the difference in
# instructions by the difference in requests — start-up and JIT warm-up cancel out. Repeated runs
# agree within ≈ 0.5 %. (Run through tsx instead of a bundle, the count varied by up to 7 % between
# identical runs, so the bundle it is: the same modules, in one file.) It is a proxy: fewer
# instructions did not always mean less time (experiments/perf/simulation.md), so confirm a change
# with alternating `npm run bench` runs.
# Needs valgrind (apt-get install valgrind); takes about 2 minutes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ref=${1:-}
command -v valgrind >/dev/null || { echo "bench/instructions.sh: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$root
if [ -n "$ref" ]; then
  git -C "$root" worktree add -q --detach "$work/tree" "$ref"
  trap 'git -C "$root" worktree remove --force "$work/tree"; rm -rf "$work"' EXIT
  src=$work/tree
fi
ln -s "$root/node_modules" "$work/node_modules"
"$root/node_modules/.bin/esbuild" "$src/bench/run-bench.ts" --bundle --platform=node --format=esm \
  --packages=external --outfile="$work/bench.mjs" --log-level=warning
scenario=$src/bench/scenarios/seed-high-rate.yaml
count() {
  # prints: requests instructions
  valgrind --tool=cachegrind --cache-sim=no --smc-check=all-non-file --cachegrind-out-file=/dev/null \
    node --single-threaded "$work/bench.mjs" --child seed "$scenario" \
    "[\"duration=$1\",\"faults[0].from=1s\",\"faults[0].until=$1\"]" 2>&1 |
    grep -o '"requests":[0-9]*\|I *refs: *[0-9,]*' | tr -d , | grep -o '[0-9]*$' | tr '\n' ' '
}
read -r r1 i1 <<<"$(count 2s)"
read -r r2 i2 <<<"$(count 5s)"
echo "${ref:-working tree}: $(( (i2 - i1) / (r2 - r1) )) instructions per simulated request (marginal, $((r2 - r1)) requests)"
