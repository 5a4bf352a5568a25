#!/usr/bin/env bash
# Issue 19: each item's case run by the CLI before the hostile merge (392fd34^) and after it (this
# branch), paired under /usr/bin/time -v, printed as the Markdown table of bench/hostile-before-after.md.
#
#   git worktree add --detach /tmp/before 392fd34^ && (cd /tmp/before && ln -s "$PWD/node_modules" . && npm run build)
#   npm run build && bash bench/hostile-before-after.sh /tmp/before/dist dist > bench/hostile-before-after.md
#
# Every run is capped at 60 s and 3 GB of heap (node --max-old-space-size; the machine is shared), so
# a before-run that would run for minutes or grow past 5 GB shows as "killed at 60 s" or "out of memory".
set -u
BEFORE=${1:?before dist directory}
AFTER=${2:?after dist directory}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# a fresh copy of the inputs for each run (item 6 overwrites its input before the fix)
inputs() {
  rm -rf "$WORK/in" && mkdir -p "$WORK/in"
  printf -- '- expr: "<img src=x onerror=alert(1)>"\n  wrt: x\n- expr: "x^T x"\n  wrt: x\n  text: "$[x](javascript:alert(1))$"\n' > "$WORK/in/xss.yaml"
  { printf '# a'; printf '%*s' 4000 ''; printf 'b\n\n## p\n\n```matdiff\nx^T x wrt x\n```\n'; } > "$WORK/in/heading.md"
  { printf '%*s' 200000 ''; printf 'x'; } > "$WORK/in/spaces.txt"
  printf '# Notes\n\n## p\n\n```matdiff\nx^T x wrt x\n```\n' > "$WORK/in/notes.md"
}

doubling=(--where "e_1 = x + x"); for i in $(seq 2 30); do doubling+=(--where "e_$i = e_$((i - 1)) + e_$((i - 1))"); done
squaring=(--where "e_1 = A A"); for i in $(seq 2 13); do squaring+=(--where "e_$i = e_$((i - 1)) e_$((i - 1))"); done
abab="tr($(printf 'A B %.0s' $(seq 500)))"

# item | case | test that holds it | command (CLI arguments split at spaces, _ a space inside one; or a name below)
CASES=(
  "1|key p.yaml -o key.html with <img onerror> and \$[x](javascript:…)\$|security.test.ts (HTML: no markup, handler or URL)|key in/xss.yaml -o in/key.html"
  "2|x^T x --let 'x: 100000000' --check|hostile.test.ts item 2|x^T_x --wrt x --let x:_100000000 --check"
  "2|--let 'A: 100000 x 100000' --check|hostile.test.ts item 2|tr(A) --wrt A --let A:_100000_x_100000 --check"
  "3|30 doubling definitions|hostile.test.ts item 3 (thirty doubling definitions)|DOUBLING"
  "3|13 squaring definitions|hostile.test.ts item 3 (thirteen squaring definitions)|SQUARING"
  "4|Markdown heading a + 4,000 spaces + b|hostile.test.ts item 4 (a Markdown heading of 4,000 spaces)|key in/heading.md"
  "4|200 KB of spaces then x on standard input|hostile.test.ts item 4 (200 KB of spaces)|STDIN"
  "5|tr(A B A B …), 1,000 factors|hostile.test.ts item 5 (1,000 factors)|ABAB"
  "5|(A^{64})^{64}|hostile.test.ts item 5 ((A^{64})^{64} is refused)|tr((A^{64})^{64}) --wrt A"
  "6|key notes.md -o notes.md|key.test.ts (never over PROBLEMS)|key in/notes.md -o in/notes.md"
  "7|2^{52} x^T x|hostile.test.ts item 7 (literals 2^52 … 2^64)|2^{52}_x^T_x --wrt x"
  "7|0^{1/3} x|hostile.test.ts item 7 (0^{1/3} x)|0^{1/3}_x --wrt x"
  "8|reading /dev/zero as a problem set|hostile.test.ts item 4 (/dev/zero)|key /dev/zero"
)

run() { # dist, case command → "seconds|peak MB|exit"
  local dist=$1 spec=$2 args=()
  inputs
  case $spec in
    DOUBLING) args=("e_30" --wrt x "${doubling[@]}") ;;
    SQUARING) args=("tr(e_13)" --wrt A "${squaring[@]}") ;;
    ABAB) args=("$abab" --wrt A) ;;
    STDIN) args=(--wrt x) ;;
    *) read -r -a args <<< "$spec"; args=("${args[@]//_/ }") ;;
  esac
  local stdin=/dev/null
  [ "$spec" = STDIN ] && stdin=$WORK/in/spaces.txt
  (cd "$WORK" && /usr/bin/time -v -o "$WORK/time" timeout 60 node --max-old-space-size=3072 "$dist/cli.js" "${args[@]}" < "$stdin" > "$WORK/out" 2> "$WORK/err")
  local code=$?
  local secs mem
  secs=$(grep "Elapsed (wall clock)" "$WORK/time" | awk '{print $NF}' | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
  mem=$(grep "Maximum resident" "$WORK/time" | awk '{printf "%.0f", $NF / 1024}')
  local note="exit $code"
  [ $code = 124 ] && note="killed at 60 s"
  grep -q "heap out of memory\|Invalid .*length\|invalid size" "$WORK/err" && note="$note, out of memory"
  grep -q "internal error\|    at " "$WORK/err" && note="$note, stack trace / internal error"
  if [ "$spec" = "key in/notes.md -o in/notes.md" ] && ! grep -q '```matdiff' "$WORK/in/notes.md"; then note="$note, problem set overwritten"; fi
  if [ "${spec%% *}" = key ] && [ -f "$WORK/in/key.html" ] && grep -q '<img src=x onerror\|href="javascript:' "$WORK/in/key.html"; then note="$note, live markup in the key"; fi
  echo "$secs|$mem|$note"
}

# ONLY=WORD runs the cases whose description contains WORD (a row to measure again)
[ -z "${ONLY:-}" ] && echo "| item | case | before: s · peak MB · outcome | after: s · peak MB · outcome | test |"
[ -z "${ONLY:-}" ] && echo "|---|---|---|---|---|"
for c in "${CASES[@]}"; do
  IFS='|' read -r item what test spec <<< "$c"
  [ -n "${ONLY:-}" ] && [[ $what != *"$ONLY"* ]] && continue
  IFS='|' read -r bs bm bn <<< "$(run "$BEFORE" "$spec")"
  IFS='|' read -r as am an <<< "$(run "$AFTER" "$spec")"
  echo "| $item | $what | $bs · $bm · $bn | $as · $am · $an | $test |"
done
