import {dirname, join} from 'node:path'
import type {ProfileDirs} from '@dx-runner/core'
import {configPath} from './config.js'
import {cliRoot} from './cli-root.js'

/** Built-in profiles ship in the CLI package (profiles/); the user's live next to the config file (<config dir>/profiles). */
export function profileDirs(env: NodeJS.ProcessEnv): ProfileDirs {
  return {user: join(dirname(configPath(env).path), 'profiles'), builtin: join(cliRoot(), 'profiles')}
}
