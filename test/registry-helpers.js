// A real npm registry for e2e tests: verdaccio on loopback with its own storage, a publisher account,
// and the whole workspace published to it (so a provider's dependencies resolve as for a user).
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {freePort, REPO, stopGroup, waitFor} from './helpers.js'

/**
 * Start verdaccio in its own process group; resolves to {dir, registry, npmrc, npmEnv, npm(args, cwd, env), stop()}.
 * npmEnv points npm at the registry with a private cache; stop() ends verdaccio and removes its files.
 */
export async function startRegistry(label = 'registry') {
  const dir = mkdtempSync(join(tmpdir(), `dxr-${label}-`))
  const port = await freePort()
  const registry = `http://127.0.0.1:${port}/`
  writeFileSync(join(dir, 'config.yaml'), [
    `storage: ${join(dir, 'storage')}`,
    'auth:',
    `  htpasswd: {file: ${join(dir, 'htpasswd')}, max_users: 10}`,
    'uplinks:',
    '  npmjs: {url: https://registry.npmjs.org/}',
    'packages:',
    "  '@dx-runner/*': {access: $all, publish: $authenticated}",
    "  'dx-runner': {access: $all, publish: $authenticated}",
    "  'dx-runner-provider-*': {access: $all, publish: $authenticated}",
    "  '**': {access: $all, proxy: npmjs}",
    'log: {type: stdout, format: pretty, level: error}',
    '',
  ].join('\n'))
  const verdaccio = spawn(join(REPO, 'node_modules/.bin/verdaccio'), ['--config', join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`], {stdio: 'ignore', detached: true})
  const stop = async () => {
    if (verdaccio.pid) await stopGroup(verdaccio.pid, 'verdaccio')
    rmSync(dir, {recursive: true, force: true})
  }
  try {
    await waitFor(async () => {
      try {
        return (await fetch(`${registry}-/ping`)).ok
      } catch {
        return false
      }
    }, {what: 'verdaccio to listen', timeoutMs: 60_000})
  } catch (error) {
    await stop()
    throw error
  }
  const user = await fetch(`${registry}-/user/org.couchdb.user:publisher`, {method: 'PUT', headers: {'content-type': 'application/json'}, body: JSON.stringify({name: 'publisher', password: 'publisher-pass-1'})})
  const {token} = await user.json()
  const npmrc = join(dir, 'npmrc')
  writeFileSync(npmrc, `registry=${registry}\n//127.0.0.1:${port}/:_authToken=${token}\n`, {mode: 0o600})
  const npmEnv = {NPM_CONFIG_USERCONFIG: npmrc, npm_config_cache: join(dir, 'npm-cache'), npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false'}
  const npm = (args, cwd, extraEnv = {}) => {
    const r = spawnSync('npm', args, {cwd, encoding: 'utf8', env: {...process.env, ...npmEnv, ...extraEnv}, timeout: 300_000})
    if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`)
    return r
  }
  return {dir, registry, npmrc, npmEnv, npm, pid: verdaccio.pid, stop}
}

/** Publish every workspace package (prepack generates the CLI's oclif manifest, postpack removes it). */
export function publishWorkspace(reg) {
  reg.npm(['publish', '--workspaces', '--registry', reg.registry], REPO)
  if (existsSync(join(REPO, 'packages/cli/oclif.manifest.json'))) throw new Error('postpack left packages/cli/oclif.manifest.json behind')
}
