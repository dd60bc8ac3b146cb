import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {type Hook, settings} from '@oclif/core'

/**
 * A linked plugin shipped as built JavaScript (no tsconfig.json) has nothing to transpile, yet oclif
 * warns "linked ESM module cannot be auto-transpiled" on every command. When no linked plugin has
 * TypeScript sources, auto-transpiling is turned off, which is exactly what oclif does anyway.
 */
const hook: Hook<'init'> = async function () {
  if (settings.enableAutoTranspile !== undefined || settings.tsnodeEnabled !== undefined) return
  const linked = [...this.config.plugins.values()].filter((p) => p.type === 'link')
  if (linked.length > 0 && linked.every((p) => !existsSync(join(p.root, 'tsconfig.json')))) settings.enableAutoTranspile = false
}

export default hook
