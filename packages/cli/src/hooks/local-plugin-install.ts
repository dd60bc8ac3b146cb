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
      fail(this, `${what.path} does not exist (give a provider's directory or a .tgz from npm pack)`)
    } else {
      const pluginPlugins = this.config.plugins.get('@oclif/plugin-plugins')?.root ?? this.config.root
      let kept: string
      try {
        kept = keepLocalPackage(what.kind, what.path, this.config.dataDir, pluginPlugins)
      } catch (error) {
        // a hook's plain error is swallowed by oclif, which would then read the path as a GitHub slug
        fail(this, (error as Error).message)
      }
      out.push(`file:${kept}`)
    }
  }
  return out
}

function fail(hook: Hook.Context, message: string): never {
  process.stderr.write(`dx-runner: plugins install: ${message.split('\n')[0]}\n`)
  hook.exit(1)
  throw new Error('unreachable: this.exit throws')
}

function kindOf(path: string): 'directory' | 'file' | undefined {
  const s = statSync(path, {throwIfNoEntry: false})
  return s?.isDirectory() ? 'directory' : s?.isFile() ? 'file' : undefined
}

export default hook
