import {readFileSync, readdirSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {runProviderConformance} from '@dx-runner/provider-testkit'
import {ccGlmProvider} from '../dist/index.js'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures')
const fixtureLines = readdirSync(fixtures)
  .filter((n) => n.endsWith('.jsonl') || n.endsWith('.txt'))
  .flatMap((n) => readFileSync(join(fixtures, n), 'utf8').split('\n'))

// I/O checks run without claude on PATH and without credentials: they must still answer in shape
runProviderConformance(ccGlmProvider, {fixtureLines, ctx: {env: {PATH: '/nonexistent'}, cwd: '/tmp', timeoutMs: 5000}})
