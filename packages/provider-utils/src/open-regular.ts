import {closeSync, constants, fstatSync, openSync, readSync, type Stats} from 'node:fs'

/**
 * An artifact opened for reading, or why not. Artifacts are regular files: a FIFO blocks its reader
 * until a writer comes and a device (a symlink to /dev/zero) never ends, so both are corrupt.
 * Symlinks to regular files are followed (the artifact layout may use them).
 */
export type OpenedFile = {kind: 'missing'} | {kind: 'corrupt'; detail: string} | {kind: 'ok'; fd: number; stat: Stats}

/** O_NONBLOCK: an open can never wait (FIFO without writer, modem line); it changes nothing for regular files. */
const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY

function failure(error: unknown): OpenedFile {
  const code = (error as NodeJS.ErrnoException).code
  return code === 'ENOENT' || code === 'ENOTDIR' ? {kind: 'missing'} : {kind: 'corrupt', detail: String(code ?? (error as Error).message)}
}

export const NOT_REGULAR = {kind: 'corrupt', detail: 'not a regular file'} as const

/**
 * Open `path` for reading only if it is a regular file (after symlinks); the caller closes `fd`.
 * The open cannot wait (O_NONBLOCK, O_NOCTTY) and what was opened is judged by fstat, so a FIFO or a
 * device costs one open and a close. No look before the open: status reads thousands of these, and
 * only the root's owner (0700) can plant a device link in it.
 */
export function openRegularFile(path: string): OpenedFile {
  let fd: number
  try {
    fd = openSync(path, READ_FLAGS)
  } catch (error) {
    return failure(error)
  }
  try {
    const stat = fstatSync(fd)
    if (stat.isFile()) return {kind: 'ok', fd, stat}
  } catch {}
  closeSync(fd)
  return NOT_REGULAR
}

export type RegularFile = {kind: 'missing'} | {kind: 'corrupt'; detail: string} | {kind: 'ok'; value: Buffer; stat: Stats}

/** The bytes of a regular file of at most `limit` bytes: missing, corrupt (not regular, too big, unreadable) or ok. */
export function readRegularFile(path: string, limit: number): RegularFile {
  const opened = openRegularFile(path)
  if (opened.kind !== 'ok') return opened
  const {fd, stat} = opened
  try {
    if (stat.size > limit) return {kind: 'corrupt', detail: `larger than ${limit} bytes`}
    // never more than the size it had when opened, so a growing file cannot make the read unbounded
    const buf = Buffer.alloc(stat.size)
    let off = 0
    while (off < stat.size) {
      const n = readSync(fd, buf, off, stat.size - off, off)
      if (n === 0) break
      off += n
    }
    return {kind: 'ok', value: buf.subarray(0, off), stat}
  } catch (error) {
    return {kind: 'corrupt', detail: String((error as Error).message)}
  } finally {
    closeSync(fd)
  }
}
