import {closeSync, readSync} from 'node:fs'
import {openRegularFile} from '@dx-runner/provider-utils'

/** The last `maxBytes` of a file as whole lines (a partial first line is dropped); a FIFO or device has none. */
export function readTailLines(path: string, maxBytes: number): string[] {
  const opened = openRegularFile(path)
  if (opened.kind !== 'ok') return []
  const {fd} = opened
  try {
    const size = opened.stat.size
    const start = Math.max(0, size - maxBytes)
    const len = size - start
    const buf = Buffer.alloc(len)
    let off = 0
    while (off < len) {
      const n = readSync(fd, buf, off, len - off, start + off)
      if (n === 0) break
      off += n
    }
    const lines = buf.subarray(0, off).toString('utf8').split('\n')
    if (start > 0) lines.shift()
    return lines
  } catch {
    return []
  } finally {
    closeSync(fd)
  }
}
