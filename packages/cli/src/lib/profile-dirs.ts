import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {ProfileDirs} from '@dx-runner/core'
import {configPath} from './config.js'

/** The CLI package's directory: the nearest package.json named dx-runner above this file (dist/lib or the bundle). */
function cliRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {name?: string}).name === 'dx-runner') return dir
    } catch {}
  }
  return join(dirname(fileURLToPath(import.meta.url)), '../..')
}

/** Built-in profiles ship in the CLI package (profiles/); the user's live next to the config file (<config dir>/profiles). */
export function profileDirs(env: NodeJS.ProcessEnv): ProfileDirs {
  return {user: join(dirname(configPath(env).path), 'profiles'), builtin: join(cliRoot(), 'profiles')}
}
