import {closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync, readFileSync} from 'node:fs'
import {dirname} from 'node:path'
import {randomBytes} from 'node:crypto'

export const FILE_MODE = 0o600
export const DIR_MODE = 0o700
/** Artifacts larger than this are treated as corrupt rather than parsed. */
export const MAX_ARTIFACT_BYTES = 1024 * 1024

export function ensureDir(path: string): void {
  try {
    mkdirSync(path, {recursive: true, mode: DIR_MODE})
  } catch (error) {
    // recursive mkdir reports ENOENT for a read-only file system; ask once more without it for the real cause
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !existsSync(dirname(path))) throw error
    mkdirSync(path, {mode: DIR_MODE})
  }
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

/** Read a small text artifact; oversized or unreadable files are reported, never thrown. */
export function readSmallFile(path: string, limit = MAX_ARTIFACT_BYTES): ReadResult<string> {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return code === 'ENOENT' || code === 'ENOTDIR' ? {kind: 'missing'} : {kind: 'corrupt', detail: String(code)}
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) return {kind: 'corrupt', detail: 'not a regular file'}
    if (st.size > limit) return {kind: 'corrupt', detail: `larger than ${limit} bytes`}
    const buf = Buffer.alloc(st.size)
    let off = 0
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off)
      if (n === 0) break
      off += n
    }
    return {kind: 'ok', value: buf.subarray(0, off).toString('utf8')}
  } catch (error) {
    return {kind: 'corrupt', detail: String((error as Error).message)}
  } finally {
    closeSync(fd)
  }
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

export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
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
