import {mkdirSync, renameSync, unlinkSync, writeFileSync} from 'node:fs'
import {dirname} from 'node:path'
import {randomBytes} from 'node:crypto'
import {readRegularFile} from './open-regular.js'

export const FILE_MODE = 0o600
export const DIR_MODE = 0o700
/** Artifacts larger than this are treated as corrupt rather than parsed. */
export const MAX_ARTIFACT_BYTES = 1024 * 1024

export function ensureDir(path: string): void {
  mkdirSync(path, {recursive: true, mode: DIR_MODE})
}

/** Write to a unique *.tmp beside the target, then rename: readers see the old file or the new one, never half. */
export function writeFileAtomic(path: string, data: string): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    writeFileSync(tmp, data, {mode: FILE_MODE, flag: 'wx'})
    renameSync(tmp, path)
  } catch (error) {
    try {
      unlinkSync(tmp)
    } catch {}
    throw error
  }
}

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

/** The supervisor writes the rc file as a decimal integer and a newline. */
export function readRcFile(path: string): ReadResult<number> {
  const r = readSmallFile(path, 64)
  if (r.kind !== 'ok') return r
  const m = /^(\d{1,3})\s*$/.exec(r.value)
  if (!m) return {kind: 'corrupt', detail: 'not an exit status'}
  return {kind: 'ok', value: Number(m[1])}
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
