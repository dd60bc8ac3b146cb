// Replace the README text between <!-- NAME:start --> and <!-- NAME:end --> (generated sections).
import {readFileSync, renameSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const readme = join(dirname(fileURLToPath(import.meta.url)), '..', 'README.md')

export function updateReadmeSection(name, body) {
  const text = readFileSync(readme, 'utf8')
  const open = `<!-- ${name}:start -->`
  const close = `<!-- ${name}:end -->`
  const a = text.indexOf(open)
  const b = text.indexOf(close)
  if (a < 0 || b < a) throw new Error(`README.md has no ${open} … ${close} section`)
  writeFileSync(`${readme}.tmp`, `${text.slice(0, a)}${open}\n${body}${text.slice(b)}`)
  renameSync(`${readme}.tmp`, readme)
}
