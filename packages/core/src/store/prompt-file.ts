import {accessSync, constants, realpathSync, statSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {DxError} from '../errors.js'
import {removeQuietly, type ReadResult} from './store.js'

/** --prompt-file must be a readable, non-empty regular file (a FIFO would block the agent forever). */
export function validatePromptFile(path: string | undefined, cwd: string): string {
  if (path === undefined || path === '') throw new DxError('--prompt-file is required: a readable, non-empty file')
  if (path.includes('\0') || path.includes('\n')) throw new DxError('invalid --prompt-file: the path contains a NUL or newline')
  const abs = resolve(cwd, path)
  let st
  try {
    st = statSync(abs)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ELOOP') throw new DxError(`prompt file ${JSON.stringify(path)} is a symlink loop`)
    if (code === 'ENAMETOOLONG') throw new DxError('invalid --prompt-file: the path is too long')
    throw new DxError(`prompt file ${JSON.stringify(path)} not found`)
  }
  if (st.isDirectory()) throw new DxError(`prompt file ${JSON.stringify(path)} is a directory, expected a file`)
  if (!st.isFile()) throw new DxError(`prompt file ${JSON.stringify(path)} is not a regular file`)
  if (st.size === 0) throw new DxError(`prompt file ${JSON.stringify(path)} is empty`)
  try {
    accessSync(abs, constants.R_OK)
  } catch {
    throw new DxError(`prompt file ${JSON.stringify(path)} is not readable`)
  }
  return realpathSync(abs)
}

/** Where prompts that came over stdin (`start --prompt-file -`) are kept, so `restart` can re-send them. */
export const stdinPromptDir = (root: string): string => join(root, '.prompts')

/**
 * Delete the prompt a job's meta names when it came over stdin (a file of ours under
 * `<root>/.prompts`), unless it is `keep`. Prompts the user owns are never touched.
 */
export function removeStdinPrompt(root: string, meta: ReadResult<{prompt_file?: unknown}>, keep?: string): void {
  if (meta.kind !== 'ok') return
  const file = meta.value.prompt_file
  if (typeof file !== 'string' || !file.endsWith('.prompt') || file === keep) return
  let dir: string
  try {
    dir = realpathSync(stdinPromptDir(root))
  } catch {
    return
  }
  if (dirname(file) === dir) removeQuietly(file)
}
