import {expect} from 'chai'
import {validateDocument} from '@dx-runner/core'
import {errorDoc, oneLine} from '../dist/lib/failure.js'
import {closestCommand} from '../dist/lib/closest-command.js'
import {needsConfig} from '../dist/lib/needs-config.js'

describe('one way to fail (lib/failure.ts)', () => {
  it("oclif's multi-line, coloured errors become one plain line", () => {
    expect(oneLine('\u001b[2mThe following error occurred:\u001b[22m\n  \u001b[2mMissing required flag prompt-file\u001b[22m\n\u001b[2mSee more help with --help\u001b[22m')).to.equal('Missing required flag prompt-file')
    expect(oneLine('The following errors occurred:\n  a\n  b')).to.equal('a; b')
    expect(oneLine('Error: boom')).to.equal('boom')
  })

  it('the --json error document carries the exit code, the reason code or null, and the line; it is valid', async () => {
    const a = errorDoc({message: 'no job bd-1', exitCode: 3})
    expect(a).to.deep.equal({error: {exit_code: 3, reason_code: null, message: 'no job bd-1'}})
    const b = errorDoc({message: 'preflight failed\nmore', exitCode: 21, reasonCode: 'preflight_failed'})
    expect(b.error).to.deep.equal({exit_code: 21, reason_code: 'preflight_failed', message: 'preflight failed; more'})
    for (const d of [a, b]) expect(await validateDocument('error', d)).to.deep.equal([])
    expect(await validateDocument('error', {error: {exit_code: 0, reason_code: null, message: 'x'}})).to.not.deep.equal([])
  })
})

describe('unknown commands (lib/closest-command.ts)', () => {
  it('names the nearest command when it is a typo away, nothing otherwise', () => {
    const known = ['status', 'start', 'stop', 'check', 'profiles show', 'ls']
    expect(closestCommand('statuss', known)).to.equal('status')
    expect(closestCommand('chek', known)).to.equal('check')
    expect(closestCommand('profiles shw', known)).to.equal('profiles show')
    expect(closestCommand('zzzzzzzzzz', known)).to.equal(undefined)
  })
})

describe('what needs the config file (lib/needs-config.ts)', () => {
  it('help, --version and providers do not; every other command does', () => {
    for (const argv of [[], ['--help'], ['help'], ['help', 'start'], ['status', '-h'], ['--version'], ['providers'], ['providers', '--json']]) expect(needsConfig(argv), argv.join(' ')).to.equal(false)
    for (const argv of [['status'], ['check', 'bd-1'], ['start', '--beads', 'x'], ['status', '--', '-h']]) expect(needsConfig(argv), argv.join(' ')).to.equal(true)
  })
})
