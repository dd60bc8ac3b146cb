import {statSync} from 'node:fs'
import type {Hook} from '@oclif/core'
import {classifyPluginArgument} from '../lib/local-plugin.js'
import {keepLocalPackage} from '../lib/keep-local-package.js'

const INSTALL = new Set(['plugins:install', 'plugins:add'])

/**
 * `plugins install ./dir | ./x.tgz`: oclif's installer reads a path as a GitHub slug (and waits on DNS);
 * a local provider becomes an absolute `file:` spec npm installs, a missing path one stderr line, exit 1.
 */
const hook: Hook<'preparse'> = async function ({argv, options}) {
  const id = (options.context as {id?: string} | undefined)?.id
  if (!id || !INSTALL.has(id)) return argv
  const out: string[] = []
  for (const arg of argv) {
    const what = arg.startsWith('-') ? {kind: 'registry-or-repo' as const} : classifyPluginArgument(arg, process.cwd(), process.env.HOME, kindOf)
    if (what.kind === 'registry-or-repo') {
      out.push(arg)
    } else if (what.kind === 'missing') {
      process.stderr.write(`dx-runner: plugins install: ${what.path} does not exist (give a provider's directory or a .tgz from npm pack)\n`)
      this.exit(1)
    } else {
      const pluginPlugins = this.config.plugins.get('@oclif/plugin-plugins')?.root ?? this.config.root
      out.push(`file:${keepLocalPackage(what.kind, what.path, this.config.dataDir, pluginPlugins)}`)
    }
  }
  return out
}

function kindOf(path: string): 'directory' | 'file' | undefined {
  const s = statSync(path, {throwIfNoEntry: false})
  return s?.isDirectory() ? 'directory' : s?.isFile() ? 'file' : undefined
}

export default hook
