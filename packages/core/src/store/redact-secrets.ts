import {randomBytes} from 'node:crypto'
import {closeSync, lstatSync, openSync, readdirSync, readSync, renameSync, unlinkSync, writeSync} from 'node:fs'
import {join, relative} from 'node:path'
import {readJsonFile} from './store.js'

const MARK = Buffer.from('[redacted]')
const CHUNK = 1 << 20
/** Shorter values are not searched for: redacting a few common bytes would shred files, and no real key is this short. */
export const MIN_SECRET_LENGTH = 8

/** Every regular file under `dir` (symlinks are not followed). */
function filesUnder(dir: string): string[] {
  const out: string[] = []
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return out
  }
  for (const name of names) {
    const p = join(dir, name)
    let st
    try {
      st = lstatSync(p)
    } catch {
      continue
    }
    if (st.isDirectory()) out.push(...filesUnder(p))
    else if (st.isFile()) out.push(p)
  }
  return out
}

/** Read a file chunk by chunk, each chunk extended by `overlap` bytes of look-behind so no match is split. */
function* chunks(fd: number, overlap: number): Generator<{buf: Buffer; start: number}> {
  let carry = Buffer.alloc(0)
  const buf = Buffer.alloc(CHUNK)
  for (;;) {
    const n = readSync(fd, buf, 0, CHUNK, null)
    if (n === 0) break
    const joined = Buffer.concat([carry, buf.subarray(0, n)])
    yield {buf: joined, start: carry.length}
    carry = joined.subarray(Math.max(0, joined.length - overlap))
  }
}

function contains(path: string, needles: Buffer[], overlap: number): boolean {
  const fd = openSync(path, 'r')
  try {
    for (const {buf} of chunks(fd, overlap)) if (needles.some((n) => buf.includes(n))) return true
    return false
  } finally {
    closeSync(fd)
  }
}

/** Replace every needle in `buf` with [redacted]. */
function replaceAll(buf: Buffer, needles: Buffer[]): Buffer {
  let out = buf
  for (const n of needles) {
    const parts: Buffer[] = []
    let from = 0
    for (let i = out.indexOf(n); i >= 0; i = out.indexOf(n, i + n.length)) {
      parts.push(out.subarray(from, i), MARK)
      from = i + n.length
    }
    if (parts.length > 0) out = Buffer.concat([...parts, out.subarray(from)])
  }
  return out
}

/** Rewrite a file with every needle redacted, through a temp file and a rename (mode kept at 0600). */
function rewrite(path: string, needles: Buffer[]): void {
  const longest = Math.max(...needles.map((n) => n.length))
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.redact`
  const fd = openSync(path, 'r')
  const out = openSync(tmp, 'wx', 0o600)
  try {
    let pending: Buffer = Buffer.alloc(0)
    const buf = Buffer.alloc(CHUNK)
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null)
      const data = replaceAll(Buffer.concat([pending, buf.subarray(0, n)]), needles)
      if (n === 0) {
        writeSync(out, data)
        break
      }
      // keep a tail that could be the start of a needle for the next round
      const keep = Math.min(data.length, longest - 1)
      writeSync(out, data.subarray(0, data.length - keep))
      pending = data.subarray(data.length - keep)
    }
  } catch (error) {
    closeSync(out)
    unlinkSync(tmp)
    throw error
  } finally {
    closeSync(fd)
  }
  closeSync(out)
  renameSync(tmp, path)
}

/**
 * The safety net of README "Secrets": find the values of the secrets a job was given anywhere under
 * its directory (its log, its tmp/ and HOME, CLI debris such as shell snapshots), redact them in
 * place, and return the files that held one, relative to `dir`.
 */
export function redactSecretsUnder(dir: string, values: string[]): string[] {
  const needles = [...new Set(values.filter((v) => v.length >= MIN_SECRET_LENGTH))].map((v) => Buffer.from(v))
  if (needles.length === 0) return []
  const overlap = Math.max(...needles.map((n) => n.length)) - 1
  const exposed: string[] = []
  for (const file of filesUnder(dir)) {
    try {
      if (!contains(file, needles, overlap)) continue
      rewrite(file, needles)
      exposed.push(relative(dir, file))
    } catch {
      // a file we cannot read or rewrite is still reported: its contents are unknown
      exposed.push(relative(dir, file))
    }
  }
  return exposed.sort()
}

/** The files that held a secret when the job ended (`secret_exposed`, written by the supervisor's redactor). */
export function readSecretExposed(path: string): string[] {
  const r = readJsonFile<{files?: unknown}>(path)
  if (r.kind !== 'ok' || !Array.isArray(r.value.files)) return []
  return r.value.files.filter((f): f is string => typeof f === 'string')
}
