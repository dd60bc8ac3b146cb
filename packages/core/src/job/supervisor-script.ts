/**
 * The detached supervisor: a POSIX sh in its own session and process group.
 * argv: $1 artifact dir, $2 beads id, $3 stdin file ('' = /dev/null), $4 timeout seconds ('' = none), then the agent command.
 * Secrets arrive as NAME=value lines on its stdin and are exported only to the agent; they never
 * appear in argv or in this shell's /proc environ. The end of stdin is the commit point: the agent is
 * launched only if <beads>.meta exists by then, so a `start` killed before registering the job leaves
 * nothing running. It records the agent's own PID + start time, waits, and writes the exit status to
 * <beads>.rc through a rename.
 */
export const SUPERVISOR_SCRIPT = `
set -f
umask 077
d=$1; b=$2; in=$3; to=$4; shift 4
while IFS= read -r kv; do case $kv in *=*) export "$kv";; esac; done
kv=
exec 0</dev/null
[ -f "$d/$b.meta" ] || exit 0
st() { _l=; read -r _l < "/proc/$1/stat" 2>/dev/null || { s=0; return 0; }; _r=\${_l##*) }; set -- $_r; s=\${20:-0}; }
read -r boot < /proc/sys/kernel/random/boot_id
st $$; printf '%s %s %s\\n' $$ "$s" "$boot" > "$d/$b.monitor.pid.tmp" && mv -f "$d/$b.monitor.pid.tmp" "$d/$b.monitor.pid"
sig=0
trap 'sig=1' TERM INT HUP
if [ -n "$in" ]; then "$@" < "$in" >> "$d/$b.log" 2>&1 & else "$@" < /dev/null >> "$d/$b.log" 2>&1 & fi
c=$!
st $c; printf '%s %s %s\\n' "$c" "$s" "$boot" > "$d/$b.pid.tmp" && mv -f "$d/$b.pid.tmp" "$d/$b.pid"
t=
if [ -n "$to" ]; then ( sp=; trap 'kill $sp 2>/dev/null; exit 0' TERM; sleep "$to" & sp=$!; wait "$sp" && : > "$d/$b.timeout" && kill -TERM -$$ ) & t=$!; fi
while :; do sig=0; wait "$c"; rc=$?; if [ "$sig" = 1 ] && kill -0 "$c" 2>/dev/null; then continue; fi; break; done
[ -n "$t" ] && kill "$t" 2>/dev/null
times > "$d/$b.cputime" 2>/dev/null
printf '%s\\n' "$rc" > "$d/$b.rc.tmp" && mv -f "$d/$b.rc.tmp" "$d/$b.rc"
`
