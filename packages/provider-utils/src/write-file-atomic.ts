import {randomBytes} from 'node:crypto'
import {renameSync, unlinkSync, writeFileSync} from 'node:fs'

/** Write to a unique *.tmp beside the target (0600), then rename: readers see the old file or the new one, never half. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    writeFileSync(tmp, data, {mode: 0o600, flag: 'wx'})
    renameSync(tmp, path)
  } catch (error) {
    try {
      unlinkSync(tmp)
    } catch {}
    throw error
  }
}
