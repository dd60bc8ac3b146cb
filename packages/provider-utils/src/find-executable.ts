import {accessSync, constants, statSync} from 'node:fs'
import {delimiter, isAbsolute, join} from 'node:path'

/** Find a command on PATH the way a shell would (an executable regular file); undefined when absent. */
export function findExecutable(command: string, path: string | undefined): string | undefined {
  const isExec = (p: string) => {
    try {
      accessSync(p, constants.X_OK)
      return statSync(p).isFile()
    } catch {
      return false
    }
  }
  if (command.includes('/')) return isExec(command) ? command : undefined
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue
    const p = join(dir, command)
    if (isExec(p)) return p
  }
  return undefined
}
