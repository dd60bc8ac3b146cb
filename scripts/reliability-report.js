#!/usr/bin/env node
// npm run reliability: run test/reliability with mocha's JSON reporter and write what it proved into
// bench/results/reliability.{json,md} and the README's Reliability section (produced, never typed).
import {spawnSync} from 'node:child_process'
import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {updateReadmeSection} from './readme-section.js'

const repo = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(repo, 'bench/results')
mkdirSync(out, {recursive: true})
const raw = join(out, 'reliability.mocha.json.tmp')
const r = spawnSync(process.execPath, [join(repo, 'node_modules/mocha/bin/mocha.js'), '--timeout', '120000', '--reporter', 'json', '--reporter-option', `output=${raw}`, 'test/reliability/*.test.js'], {cwd: repo, stdio: 'inherit'})
const report = JSON.parse(readFileSync(raw, 'utf8'))
const rows = [...report.passes.map((t) => ({t, ok: true})), ...report.failures.map((t) => ({t, ok: false}))]
  .sort((a, b) => a.t.fullTitle.localeCompare(b.t.fullTitle))
/** "group — test", without the top-level "reliability" suite name. */
function label(t) {
  const parent = t.fullTitle.slice(0, t.fullTitle.length - t.title.length).trim().replace(/^reliability\b\s*/, '')
  return parent === '' ? t.title : `${parent} — ${t.title}`
}
const summary = {generated_at: new Date().toISOString(), passed: report.stats.passes, failed: report.stats.failures, tests: rows.map(({t, ok}) => ({title: t.fullTitle, ok}))}
writeFileSync(join(out, 'reliability.json'), `${JSON.stringify(summary, null, 2)}\n`)
const md = [
  `${summary.passed} passed, ${summary.failed} failed — \`npm run reliability\` on ${summary.generated_at}. Every e2e command's output, every artifact`,
  'root and every command line on the machine are also scanned for the test token throughout `npm test`.',
  '',
  '| check | result |',
  '| --- | --- |',
  ...rows.map(({t, ok}) => `| ${label(t).replaceAll('|', '\\|')} | ${ok ? 'pass' : '**FAIL**'} |`),
  '',
].join('\n')
writeFileSync(join(out, 'reliability.md'), md)
updateReadmeSection('reliability', md)
renameSync(raw, join(out, 'reliability.mocha.json'))
console.log(`reliability: ${summary.passed} passed, ${summary.failed} failed; README updated`)
process.exit(r.status ?? 1)
