import {readdirSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import type {Hook} from '@oclif/core'
import {unreferencedLocalPackages} from '../lib/keep-local-package.js'

/** After `plugins install|uninstall`: a kept local tarball no installed plugin uses is removed with it. */
const hook: Hook<'plugins:postinstall'> = async function () {
  const dir = join(this.config.dataDir, 'local')
  let kept: string[]
  let dependencies: Record<string, string>
  try {
    kept = readdirSync(dir)
    dependencies = (JSON.parse(readFileSync(join(this.config.dataDir, 'package.json'), 'utf8')) as {dependencies?: Record<string, string>}).dependencies ?? {}
  } catch {
    return
  }
  for (const name of unreferencedLocalPackages(kept, dependencies)) rmSync(join(dir, name), {force: true})
}

export default hook
