// `plugins link` of a provider in a working copy (how a provider author develops one), a job through
// it, and `plugins unlink`. Each run has its own XDG data dir, so nothing is linked for anyone else.
import {expect} from 'chai'
import {existsSync, mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {REPO, sandbox, waitFor} from './helpers.js'

describe('plugins link / unlink a provider from a working copy', function () {
  this.timeout(180_000)
  let sb
  before(() => {
    sb = sandbox('link')
    for (const d of ['data', 'cache', 'config']) mkdirSync(join(sb.base, d))
    Object.assign(sb.env, {XDG_DATA_HOME: join(sb.base, 'data'), XDG_CACHE_HOME: join(sb.base, 'cache'), XDG_CONFIG_HOME: join(sb.base, 'config')})
  })
  after(async () => sb?.cleanup())

  it('link → providers lists exec with no transpile warning, a job reaches exited_ok; unlink → gone, start exits 20', async () => {
    const link = sb.run(['plugins', 'link', join(REPO, 'examples/provider-exec')])
    expect(link.code, link.stderr).to.equal(0)
    const providers = sb.json(['providers', '--json'])
    const listed = providers.doc.providers.find((p) => p.name === 'exec')
    expect(listed).to.include({package: 'dx-runner-provider-exec', version: '0.1.0'})
    // a linked plugin of built JavaScript has nothing to transpile: no oclif warning on every command
    expect(providers.stderr).to.not.include('auto-transpiled')
    expect(sb.run(['status'], {env: {DX_RUNNER_NO_FAST_PATH: '1'}}).stderr).to.not.include('auto-transpiled')
    writeFileSync(join(sb.base, 'job.sh'), 'echo linked > linked-output.txt\n')
    const s = sb.json(['start', '--beads', 'bd-link', '--provider', 'exec', '--prompt-file', join(sb.base, 'job.sh'), '--json'])
    expect(s.code, s.stderr).to.equal(0)
    const c = await waitFor(() => {
      const x = sb.json(['check', '--beads', 'bd-link', '--json'])
      return x.doc.state.startsWith('exited') ? x : undefined
    }, {what: 'bd-link to finish'})
    expect(c.doc).to.include({state: 'exited_ok'})
    expect(existsSync(join(sb.worktree, 'linked-output.txt'))).to.equal(true)
    expect(sb.run(['plugins', 'unlink', 'dx-runner-provider-exec']).code).to.equal(0)
    expect(sb.json(['providers', '--json']).doc.providers.map((p) => p.name)).to.deep.equal(['cc-glm', 'claude-code', 'gemini', 'opencode'])
    expect(sb.run(['start', '--beads', 'bd-link2', '--provider', 'exec', '--prompt-file', join(sb.base, 'job.sh')]).code).to.equal(20)
  })
})
