import {DxError, ExitCode, type AuthWarning} from '@dx-runner/provider'
import {checkCredential} from './op-read.js'
import {NOT_REGULAR, readRegularFile} from './open-regular.js'

/** A token file is a few hundred bytes; anything bigger is not one. */
const MAX_TOKEN_FILE_BYTES = 64 * 1024

/** Like ssh with a private key: a token file any other user may read (or replace) deserves a warning. */
export function tokenFileTooOpen(mode: number): boolean {
  return (mode & 0o077) !== 0
}

export interface TokenFile {
  token: string
  warnings: AuthWarning[]
}

/** A token file named by `variable` (e.g. CC_GLM_TOKEN_FILE): a regular, non-empty file (exit 11 otherwise); group/other access is a warning, not a refusal. */
export function readTokenFile(variable: string, path: string, help: string): TokenFile {
  const read = readRegularFile(path, MAX_TOKEN_FILE_BYTES)
  const fail = (why: string) => new DxError(`${variable} ${path} ${why}`, {exitCode: ExitCode.tokenFile})
  if (read.kind === 'missing') throw fail('does not exist')
  if (read.kind === 'corrupt') throw fail(read.detail === NOT_REGULAR.detail ? 'is not a regular file' : `is not readable (${read.detail})`)
  const text = read.value.toString('utf8')
  if (!text.trim()) throw fail('is empty')
  const token = checkCredential(text, variable, ExitCode.tokenFile, help)
  const mode = read.stat.mode & 0o777
  const warnings: AuthWarning[] = tokenFileTooOpen(mode)
    ? [{name: 'token file', detail: `${variable} ${path} is accessible by group or others (mode ${mode.toString(8).padStart(4, '0')}); run chmod 600 ${path}`}]
    : []
  return {token, warnings}
}
