import {mkdirSync, rmdirSync, statSync} from 'node:fs'
import {dirname, resolve} from 'node:path'

/** The directories of `path` that do not exist yet, outermost first. */
function missingDirs(path: string): string[] {
  const missing: string[] = []
  for (let p = resolve(path); ; p = dirname(p)) {
    try {
      statSync(p)
      return missing
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    missing.unshift(p)
    if (dirname(p) === p) return missing
  }
}

/** Remove directories we created (innermost first), if they are still empty. */
export function removeDirs(created: string[]): void {
  for (const d of [...created].reverse()) {
    try {
      rmdirSync(d)
    } catch {}
  }
}

/**
 * `mkdir -p` that fails with the real reason: Node's recursive mkdir says ENOENT on a read-only file
 * system. Returns the directories it created, outermost first; on failure it leaves none of them.
 */
export function makeDirs(path: string, mode: number): string[] {
  const created: string[] = []
  try {
    for (const d of missingDirs(path)) {
      try {
        mkdirSync(d, {mode})
        created.push(d)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
    }
  } catch (error) {
    removeDirs(created)
    throw error
  }
  return created
}
