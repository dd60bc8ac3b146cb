import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync} from 'node:fs'
import {createRequire} from 'node:module'
import {basename, dirname, join} from 'node:path'

/**
 * A local provider is kept as a tarball in the plugins' data dir, so the installation does not depend
 * on the path it came from (npm records `file:` dependencies and rereads them on later installs).
 * A directory is packed first, exactly as `npm pack` would publish it. Returns the kept tarball's path
 * (`<dataDir>/local/<content hash>-<file name>`).
 */
export function keepLocalPackage(kind: 'directory' | 'tarball', path: string, dataDir: string, npmFrom: string): string {
  const dir = join(dataDir, 'local')
  mkdirSync(dir, {recursive: true})
  if (kind === 'tarball') return keep(dir, path, copyFileSync)
  if (!existsSync(join(path, 'package.json'))) throw new Error(`${path} has no package.json: not a provider package`)
  const tmp = mkdtempSync(join(dir, '.pack-'))
  try {
    const [npm, ...npmArgs] = npmCommand(npmFrom)
    const r = spawnSync(npm, [...npmArgs, 'pack', path, '--pack-destination', tmp, '--loglevel=error'], {cwd: tmp, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe']})
    const packed = readdirSync(tmp).filter((f) => f.endsWith('.tgz'))
    if (r.status !== 0 || packed.length !== 1) throw new Error(`npm pack ${path} failed: ${packError(r.stderr || r.error?.message || '')}`)
    return keep(dir, join(tmp, packed[0]), renameSync)
  } finally {
    rmSync(tmp, {recursive: true, force: true})
  }
}

/** Kept under its content's hash: two tarballs of one file name (different packages, or edits) never replace each other. */
function keep(dir: string, from: string, move: (from: string, to: string) => void): string {
  if (dirname(from) === dir) return from
  const hash = createHash('sha256').update(readFileSync(from)).digest('hex').slice(0, 12)
  const kept = join(dir, `${hash}-${basename(from)}`)
  move(from, kept)
  return kept
}

/** The same npm that @oclif/plugin-plugins installs with (its pinned dependency), else the one on PATH. */
function npmCommand(pluginPluginsRoot: string): string[] {
  try {
    const require = createRequire(join(pluginPluginsRoot, 'package.json'))
    const pjson = require.resolve('npm/package.json')
    return [process.execPath, join(pjson, '..', (require(pjson) as {bin: {npm: string}}).bin.npm)]
  } catch {
    return ['npm']
  }
}

/** The kept tarballs no dependency of the plugins' package.json refers to any more (uninstalled, or a failed install). */
export function unreferencedLocalPackages(kept: string[], dependencies: Record<string, string>): string[] {
  const used = new Set(Object.values(dependencies).map((spec) => spec.match(/^file:(?:\.\/)?local\/([^/]+)$/)?.[1]))
  return kept.filter((name) => name.endsWith('.tgz') && !used.has(name))
}

/** npm's reason in one line, without its pointer to the debug log. */
function packError(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.replace(/^npm (?:error|ERR!)\s*/, '').trim())
  return lines.filter((l) => l && !/complete log of this run/.test(l)).at(-1) ?? 'no reason given'
}
