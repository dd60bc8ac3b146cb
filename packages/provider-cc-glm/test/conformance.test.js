import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {recordedFixtures, runProviderConformance} from '@dx-runner/provider-testkit'
import {ccGlmProvider} from '../dist/index.js'

const fixtureLines = recordedFixtures(join(dirname(fileURLToPath(import.meta.url)), 'fixtures'), ccGlmProvider).allLines()

// I/O checks run without claude on PATH and without credentials: they must still answer in shape
runProviderConformance(ccGlmProvider, {fixtureLines, ctx: {env: {PATH: '/nonexistent'}, cwd: '/tmp', timeoutMs: 5000}})
