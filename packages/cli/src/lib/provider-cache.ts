import {mkdirSync, readFileSync, renameSync, statSync, writeFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {dirname, isAbsolute, join} from 'node:path'

/**
 * Where each provider's hook module lives, as oclif last resolved it. `status` and `check` import these
 * directly (skipping oclif's start-up) while the fingerprint (CLI version and the installed-plugins
 * manifest) is unchanged; anything else falls back to oclif.
 */
export interface ProviderCache {
  fingerprint: string
  /** provider: the name the hook answered with when the cache was written, so a command can load only the providers it needs */
  hooks: {plugin: {name: string; version: string}; module: string; provider?: string}[]
}

const xdg = (name: 'XDG_CACHE_HOME' | 'XDG_DATA_HOME', fallback: string) => {
  const v = process.env[name]
  return v && isAbsolute(v) ? v : join(homedir(), fallback)
}

export function providerCachePath(): string {
  return join(xdg('XDG_CACHE_HOME', '.cache'), 'dx-runner', 'providers.json')
}

/** Changes whenever a plugin is installed, linked or removed, or the CLI itself changes. */
export function providerFingerprint(cliVersion: string, cliRoot: string): string {
  // the CLI's own package.json lists the built-in plugins: a changed one (even at the same version) is a new CLI
  let own = 'none'
  try {
    const st = statSync(join(cliRoot, 'package.json'))
    own = `${st.mtimeMs}:${st.size}`
  } catch {}
  const manifest = join(xdg('XDG_DATA_HOME', '.local/share'), 'dx-runner', 'package.json')
  let m = 'none'
  try {
    const st = statSync(manifest)
    m = `${st.mtimeMs}:${st.size}`
  } catch {}
  return `${cliVersion}|${cliRoot}|${own}|${m}`
}

export function readProviderCache(fingerprint: string): ProviderCache | undefined {
  try {
    const c = JSON.parse(readFileSync(providerCachePath(), 'utf8')) as ProviderCache
    return c.fingerprint === fingerprint && Array.isArray(c.hooks) ? c : undefined
  } catch {
    return undefined
  }
}

export function writeProviderCache(cache: ProviderCache): void {
  const path = providerCachePath()
  try {
    mkdirSync(dirname(path), {recursive: true, mode: 0o700})
    const tmp = `${path}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(cache), {mode: 0o600})
    renameSync(tmp, path)
  } catch {
    // a cache we cannot write only costs speed
  }
}
