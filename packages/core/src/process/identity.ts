import {readSmallFile} from '../store/store.js'
import {bootId, readProcStat, type ProcessTable} from './proc.js'

/** A PID alone is not identity: a process is ours only if pid, start time and boot all match. */
export interface ProcessIdentity {
  pid: number
  starttime: number
  boot_id: string
}

export function identityOf(pid: number): ProcessIdentity | undefined {
  const st = readProcStat(pid)
  if (!st) return undefined
  return {pid, starttime: st.starttime, boot_id: bootId()}
}

/** Text form used in .pid files: "<pid> <starttime> <boot_id>". */
export function formatIdentity(id: ProcessIdentity): string {
  return `${id.pid} ${id.starttime} ${id.boot_id}\n`
}

export function parseIdentity(text: string): ProcessIdentity | undefined {
  const m = /^(\d{1,10}) (\d{1,20}) ([0-9a-f-]{1,64})\s*$/.exec(text)
  if (!m) return undefined
  const pid = Number(m[1])
  if (pid <= 0) return undefined
  return {pid, starttime: Number(m[2]), boot_id: m[3]}
}

export type IdentityFile = {kind: 'missing'} | {kind: 'corrupt'} | {kind: 'ok'; identity: ProcessIdentity}

/** A .pid file: a FIFO, a device or anything over 200 bytes is corrupt, never waited on or read whole. */
export function readIdentityFile(path: string): IdentityFile {
  const r = readSmallFile(path, 200)
  if (r.kind !== 'ok') return {kind: r.kind}
  const identity = parseIdentity(r.value)
  return identity ? {kind: 'ok', identity} : {kind: 'corrupt'}
}

/** Alive and the same process we recorded (not a reused PID, not a zombie, not from another boot). */
export function isAlive(id: ProcessIdentity | undefined, table?: ProcessTable): boolean {
  if (!id) return false
  if (id.boot_id !== bootId()) return false
  const st = table ? table.get(id.pid) : readProcStat(id.pid)
  if (!st) return false
  if (st.state === 'Z' || st.state === 'X') return false
  return st.starttime === id.starttime
}
