import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

/** The CLI package's directory: the nearest package.json named dx-runner above this module (dist/, dist/lib or the bundle). */
export function cliRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {name?: string}).name === 'dx-runner') return dir
    } catch {}
  }
  return join(dirname(fileURLToPath(import.meta.url)), '../..')
}
