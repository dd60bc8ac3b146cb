import {rmdirSync, statSync, unlinkSync} from 'node:fs'
import {dirname} from 'node:path'
import {readRegularFile} from '@dx-runner/provider-utils'
import {makeDirs} from './make-dirs.js'
import {writeFileAtomic} from '@dx-runner/provider-utils'

export const FILE_MODE = 0o600
export const DIR_MODE = 0o700
/** Artifacts larger than this are treated as corrupt rather than parsed. */
export const MAX_ARTIFACT_BYTES = 1024 * 1024

/** mkdir -p that reports the real cause (EROFS, ENOSPC), not the ENOENT Node's recursive mkdir gives. */
export function ensureDir(path: string): void {
  makeDirs(path, DIR_MODE)
}

// one atomic write for core and providers (README "Artifacts": a temp file and a rename)
export {writeFileAtomic}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`)
}

export type ReadResult<T> = {kind: 'missing'} | {kind: 'corrupt'; detail: string} | {kind: 'ok'; value: T}

/** Read a small text artifact; oversized, unreadable or non-regular files (FIFO, device) are reported, never thrown. */
export function readSmallFile(path: string, limit = MAX_ARTIFACT_BYTES): ReadResult<string> {
  const r = readRegularFile(path, limit)
  return r.kind === 'ok' ? {kind: 'ok', value: r.value.toString('utf8')} : r
}

/** Read a JSON object artifact: missing, corrupt (empty, truncated, binary, huge, not an object) or ok. */
export function readJsonFile<T extends object>(path: string): ReadResult<T> {
  const r = readSmallFile(path)
  if (r.kind !== 'ok') return r
  try {
    const value: unknown = JSON.parse(r.value)
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {kind: 'corrupt', detail: 'not a JSON object'}
    return {kind: 'ok', value: value as T}
  } catch {
    return {kind: 'corrupt', detail: 'not valid JSON'}
  }
}

/** What the supervisor wrote into `rc` (README "Artifacts"): "<status>[ leftover=<n>][ disk_full]". */
export interface RcRecord {
  exit_code: number
  /** Processes the agent left in its group or marked with its job, ended by the supervisor. */
  leftover: number
  /** The supervisor could not write to the artifact root when the job ended. */
  disk_full: boolean
}

export function parseRc(text: string): RcRecord | undefined {
  const m = /^(\d{1,3})((?: (?:leftover=\d{1,6}|disk_full))*) *\n?[ \n]*$/.exec(text)
  if (!m) return undefined
  const left = /leftover=(\d+)/.exec(m[2])
  return {exit_code: Number(m[1]), leftover: left ? Number(left[1]) : 0, disk_full: m[2].includes('disk_full')}
}

export function readRcRecord(path: string): ReadResult<RcRecord> {
  const r = readSmallFile(path, 128)
  if (r.kind !== 'ok') return r
  const rec = parseRc(r.value)
  return rec ? {kind: 'ok', value: rec} : {kind: 'corrupt', detail: 'not an exit status'}
}

/** The exit status alone. */
export function readRcFile(path: string): ReadResult<number> {
  const r = readRcRecord(path)
  return r.kind === 'ok' ? {kind: 'ok', value: r.value.exit_code} : r
}

export function removeQuietly(path: string): void {
  try {
    unlinkSync(path)
  } catch {}
}

export function ensureParent(path: string): void {
  ensureDir(dirname(path))
}

/** A small text artifact, or undefined when it is missing, not a regular file, or too big. */
export function readText(path: string): string | undefined {
  const r = readSmallFile(path)
  return r.kind === 'ok' ? r.value : undefined
}

/** Remove a file only if it is empty (a log the failed attempt created and nothing wrote to). */
export function removeIfEmpty(path: string): void {
  try {
    if (statSync(path).size === 0) unlinkSync(path)
  } catch {}
}

/** Remove a directory only if nothing is in it. */
export function removeDirIfEmpty(path: string): void {
  try {
    rmdirSync(path)
  } catch {}
}
