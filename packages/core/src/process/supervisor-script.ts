import {ARTIFACT_NAMES as N, RESERVED_SUFFIX as R} from '../store/job-paths.js'

/**
 * The detached supervisor: a POSIX sh in its own session and process group (README "Artifacts",
 * "Reliability"). argv: $1 the job's directory, $2 stdin file ('' = /dev/null), $3 timeout seconds
 * ('' = none), $4 grace seconds and $5 the same grace in tenths (for ending what an agent leaves
 * behind and for --timeout's TERM → KILL), $6 node and $7 the redactor script ('' = none), $8 the
 * no-mutation deadline in seconds ('' = none) and $9 its check script, then the agent command. At the
 * deadline the check (no-mutation-main.ts) compares the worktree with the job's baseline; only if
 * nothing changed is the marker written and the group ended like --timeout (README "Run budgets");
 * the check runs without the secrets.
 * When the job has ended, the redactor scans the job's directory for the values of the secrets it
 * was given and redacts them (README "Secrets"); it reads them from its environment.
 *
 * Secrets arrive as NAME=value lines on its stdin and are exported only to its children; they never
 * appear in argv or in this shell's /proc environ. The end of stdin is the commit point: the agent is
 * launched only if `meta` exists by then, so a `start` killed before registering the job leaves
 * nothing running. Every file the record depends on is written or reserved BEFORE the agent starts
 * (monitor.pid; pid.new and rc.new padded with spaces; log), so a full disk refuses the job instead
 * of losing it: the agent's pid and its exit status are later written over the reserved bytes, which
 * needs no new space, then renamed into place. One line on stdout tells `start` "ok" or "fail <what>".
 * The agent carries DX_RUNNER_JOB=<job dir> in its environment, inherited by everything it starts
 * (through setsid too), so the end of the job can find and end what it left behind.
 * rc holds "<status>[ leftover=<n>][ disk_full]": the status is written the moment the agent exits
 * (exit → rc stays under a millisecond), then what the agent left behind is ended (TERM, grace,
 * KILL) and counted, and the count is written over the same bytes.
 * $DX_RUNNER_HANDOFF (set by the CLI; kept from the agent) names the hand-off script: once the agent
 * has ended and its leftovers are gone, it is started with node in the background to launch the
 * provider's next queued jobs (only while <root>/.queue/<provider>/queued says some wait: no node
 * start for every ended job otherwise). Stdin lines `H:NAME=value` (the job's credential source, for the jobs
 * it launches) are kept unexported, never seen by the agent, and written to the hand-off's stdin.
 */
export const SUPERVISOR_SCRIPT = `
set -f
umask 077
d=$1; in=$2; to=$3; g=$4; gt=$5; nd=$6; rs=$7; nt=$8; nc=$9; shift 9
ho=\${DX_RUNNER_HANDOFF:-}; unset DX_RUNNER_HANDOFF
sn=
hs=
while IFS= read -r kv; do case $kv in H:*=*) hs="$hs\${kv#H:}
";; *=*) export "$kv"; sn="$sn \${kv%%=*}";; esac; done
kv=
exec 0</dev/null
[ -f "$d/${N.meta}" ] || exit 0
say() { (printf '%s\\n' "$1") 2>/dev/null; }
fail() { say "fail $1"; exit 0; }
st() { _l=; read -r _l < "/proc/$1/stat" 2>/dev/null || { s=0; return 0; }; _r=\${_l##*) }; set -- $_r; s=\${20:-0}; }
read -r boot < /proc/sys/kernel/random/boot_id
st $$
{ printf '%s %s %s\\n' $$ "$s" "$boot" > "$d/${N.monitorPid}${R}" && mv -f "$d/${N.monitorPid}${R}" "$d/${N.monitorPid}"; } 2>/dev/null || fail monitor.pid
printf '%-95s\\n' '' 2>/dev/null > "$d/${N.pid}${R}" || fail pid
printf '%-47s\\n' '' 2>/dev/null > "$d/${N.rc}${R}" || fail rc
{ : >> "$d/${N.log}"; } 2>/dev/null || fail log
sig=0
trap 'sig=1' TERM INT HUP
if [ -n "$in" ]; then DX_RUNNER_JOB=$d "$@" < "$in" >> "$d/${N.log}" 2>&1 & else DX_RUNNER_JOB=$d "$@" < /dev/null >> "$d/${N.log}" 2>&1 & fi
c=$!
st $c
{ printf '%-95s\\n' "$c $s $boot" 1<>"$d/${N.pid}${R}" && mv -f "$d/${N.pid}${R}" "$d/${N.pid}"; } 2>/dev/null || { kill -KILL $c; fail pid; }
say ok
exec >/dev/null 2>&1
t=
if [ -n "$to" ]; then ( sp=; trap 'kill $sp; wait $sp; exit 0' USR1; sleep "$to" & sp=$!; wait $sp || exit 0; : > "$d/${N.timeoutMarker}"; trap '' TERM; kill -TERM -$$; sleep "$g" & sp=$!; wait $sp || exit 0; kill -KILL $c ) & t=$!; fi
nm=
if [ -n "$nt" ] && [ -n "$nc" ]; then ( for v in $sn; do unset "$v"; done; sp=; trap 'kill $sp; wait $sp; exit 0' USR1; sleep "$nt" & sp=$!; wait $sp || exit 0; "$nd" "$nc" "$d" || exit 0; { : > "$d/${N.noMutationMarker}"; } || exit 0; trap '' TERM; kill -TERM -$$; sleep "$g" & sp=$!; wait $sp || exit 0; kill -KILL $c ) & nm=$!; fi
while :; do sig=0; wait "$c"; rc=$?; if [ "$sig" = 1 ] && kill -0 "$c"; then continue; fi; break; done
# the agent is gone: finish the record whatever signal comes (a stop's TERM); children inherit the ignore
trap '' TERM INT HUP
[ -n "$t" ] && { kill -USR1 "$t"; wait "$t"; }
[ -n "$nm" ] && { kill -USR1 "$nm"; wait "$nm"; }
df=
times > "$d/${N.cputime}" || df=1
x=; [ -n "$df" ] && x=" disk_full"
printf '%-47s\\n' "$rc$x" 1<>"$d/${N.rc}${R}" && mv -f "$d/${N.rc}${R}" "$d/${N.rc}"
left() {
  set +f
  o=; mk=" $(grep -lsxzF "DX_RUNNER_JOB=$d" /proc/[0-9]*/environ | tr '\\n' ' ') "
  for f in /proc/[0-9]*/stat; do
    p=\${f#/proc/}; p=\${p%/stat}
    [ "$p" = "$$" ] && continue
    IFS= read -r l < "$f" || continue
    set -- \${l##*) }
    [ "$1" = Z ] && continue
    case $mk in *" /proc/$p/environ "*) o="$o $p"; continue;; esac
    [ "$3" = "$$" ] && o="$o $p"
  done
  set -f
}
left
if [ -n "$o" ]; then
  n=0; for p in $o; do n=$((n+1)); done
  kill -TERM $o
  i=0; while [ $i -lt "$gt" ]; do sleep 0.1; left; [ -z "$o" ] && break; i=$((i+1)); done
  [ -n "$o" ] && kill -KILL $o
  printf '%-47s\\n' "$rc leftover=$n$x" 1<>"$d/${N.rc}"
fi
# the slot is free: hand it on to the provider's next queued job (README "Concurrency"), in its own session (a stop ending this group must not end it)
sd=; command -v setsid >/dev/null 2>&1 && sd=setsid
pd=\${d%/*}
[ -n "$ho" ] && [ -f "$ho" ] && [ -e "\${pd%/*}/.queue/\${pd##*/}/queued" ] && { printf '%s' "$hs" | $sd "$nd" "$ho" "$d" >/dev/null 2>&1 & }
[ -n "$sn" ] && [ -n "$rs" ] && [ -f "$rs" ] && "$nd" "$rs" "$d" $sn
`
