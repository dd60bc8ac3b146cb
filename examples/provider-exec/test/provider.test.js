import {expect} from 'chai'
import {runProviderConformance} from '@dx-runner/provider-testkit'
import {execProvider, parseEvent} from '../provider.js'

describe('dx-runner-provider-exec', () => {
  it('reads the events a script reports and ignores other output', () => {
    expect(parseEvent('dx-exec: {"kind":"usage","input_tokens":3,"output_tokens":4}')).to.deep.equal({kind: 'usage', input_tokens: 3, output_tokens: 4})
    expect(parseEvent('dx-exec: {"kind":"nonsense"}')).to.equal(undefined)
    expect(parseEvent('hello')).to.equal(undefined)
  })
  it('exit 0 is success, anything else a failure with the rc', () => {
    expect(execProvider.classifyExit({exit_code: 0, telemetry: {}})).to.deep.equal({state: 'success', reason_code: 'outcome_exit_0'})
    expect(execProvider.classifyExit({exit_code: 3, telemetry: {}})).to.deep.equal({state: 'failed', reason_code: 'process_exit_with_rc'})
  })
  it('probe runs a real script through the shell', async () => {
    const r = await execProvider.probe({env: {PATH: process.env.PATH}, cwd: '/tmp', timeoutMs: 10_000})
    expect(r).to.include({provider: 'exec', answered: true, reason_code: 'outcome_exit_0'})
  })
})

runProviderConformance(execProvider, {
  fixtureLines: ['dx-exec: {"kind":"usage","input_tokens":1}', 'plain output', '{"kind":"text"}', ''],
  ctx: {env: {PATH: process.env.PATH}, cwd: '/tmp', timeoutMs: 5000},
})
