import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {recordedFixtures, runProviderConformance} from '@dx-runner/provider-testkit'
import {claudeCodeProvider} from '../dist/index.js'

const fixtureLines = recordedFixtures(join(dirname(fileURLToPath(import.meta.url)), 'fixtures'), claudeCodeProvider).allLines()

// I/O checks run without claude on PATH and without credentials: they must still answer in shape
runProviderConformance(claudeCodeProvider, {fixtureLines, ctx: {env: {PATH: '/nonexistent'}, cwd: '/tmp', timeoutMs: 5000}})
