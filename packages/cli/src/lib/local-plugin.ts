import {isAbsolute, join, resolve} from 'node:path'

/** What a `plugins install` argument names on this machine. */
export type PluginArgument =
  | {kind: 'registry-or-repo'}
  | {kind: 'directory' | 'tarball'; path: string}
  | {kind: 'missing'; path: string}

const TARBALL = /\.(?:tgz|tar\.gz|tar)$/i
// npm's own rule for "this is a path": ./x, ../x, /x, ~/x, file:x (npm-package-arg's isFilespec)
const PATH_SYNTAX = /^(?:file:|\.|\/|~\/)/i

/**
 * Decides whether `plugins install <arg>` means a local provider. Path syntax or a tarball name is
 * always local (missing → an error, never a registry or GitHub lookup); `owner/repo` is local only
 * when it exists here, else it stays oclif's GitHub slug.
 */
export function classifyPluginArgument(arg: string, cwd: string, home: string | undefined, kindOf: (path: string) => 'directory' | 'file' | undefined): PluginArgument {
  const pathLike = PATH_SYNTAX.test(arg) || TARBALL.test(arg)
  const slashed = arg.includes('/') && !arg.includes(':') && !arg.startsWith('@')
  if (!pathLike && !slashed) return {kind: 'registry-or-repo'}
  const path = absolutePath(arg, cwd, home)
  const found = kindOf(path)
  if (found === 'directory') return {kind: 'directory', path}
  if (found === 'file' && TARBALL.test(path)) return {kind: 'tarball', path}
  if (!pathLike) return {kind: 'registry-or-repo'}
  return {kind: 'missing', path}
}

function absolutePath(arg: string, cwd: string, home: string | undefined): string {
  let p = arg.replace(/^file:(?:\/\/(?=\/))?/i, '')
  if (p.startsWith('~/') && home) p = join(home, p.slice(2))
  return isAbsolute(p) ? resolve(p) : resolve(cwd, p)
}
