import {readFileSync, readdirSync} from 'node:fs'

/** The fields of /proc/<pid>/stat we use. */
export interface ProcStat {
  pid: number
  state: string
  ppid: number
  pgrp: number
  session: number
  utime: number
  stime: number
  starttime: number
}

/** Parse /proc/<pid>/stat text; the command name may hold spaces and parentheses, so split after the last ')'. */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')')
  if (close < 0) return undefined
  const pid = Number.parseInt(text, 10)
  const f = text.slice(close + 2).trim().split(' ')
  // f[0] is field 3 (state); field N is f[N - 3]
  if (f.length < 20 || !Number.isFinite(pid)) return undefined
  return {
    pid,
    state: f[0],
    ppid: Number(f[1]),
    pgrp: Number(f[2]),
    session: Number(f[3]),
    utime: Number(f[11]),
    stime: Number(f[12]),
    starttime: Number(f[19]),
  }
}

export function readProcStat(pid: number): ProcStat | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'latin1'))
  } catch {
    return undefined
  }
}

let cachedBootId: string | undefined
export function bootId(): string {
  if (cachedBootId === undefined) {
    try {
      cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim()
    } catch {
      cachedBootId = 'unknown'
    }
  }
  return cachedBootId
}

let cachedBootTimeMs: number | undefined
/** When this machine booted (ms since epoch), from /proc/stat btime. */
export function bootTimeMs(): number {
  if (cachedBootTimeMs === undefined) {
    try {
      const m = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'latin1'))
      cachedBootTimeMs = m ? Number(m[1]) * 1000 : 0
    } catch {
      cachedBootTimeMs = 0
    }
  }
  return cachedBootTimeMs
}

/** Linux USER_HZ: clock ticks per second in /proc times (100 on every mainstream kernel). */
export const CLOCK_TICKS = 100

/** The pids listed in /proc now (empty when /proc cannot be read). */
export function procPids(): number[] {
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return []
  }
  const out: number[] = []
  for (const name of entries) {
    const c = name.charCodeAt(0)
    if (c >= 48 && c <= 57) out.push(Number(name))
  }
  return out
}

/** One pass over /proc: every process's stat, so one scan serves every job of an invocation. */
export class ProcessTable {
  readonly byPid = new Map<number, ProcStat>()

  static scan(): ProcessTable {
    const table = new ProcessTable()
    for (const pid of procPids()) {
      const st = readProcStat(pid)
      if (st) table.byPid.set(st.pid, st)
    }
    return table
  }

  get(pid: number): ProcStat | undefined {
    // A process started after the scan is read directly.
    return this.byPid.get(pid) ?? readProcStat(pid)
  }

  /** Members of a process group, zombies excluded. */
  group(pgrp: number): ProcStat[] {
    const out: ProcStat[] = []
    for (const st of this.byPid.values()) if (st.pgrp === pgrp && st.state !== 'Z' && st.state !== 'X') out.push(st)
    return out
  }

  groupCpuTicks(pgrp: number): number {
    let t = 0
    for (const st of this.group(pgrp)) t += st.utime + st.stime
    return t
  }
}
