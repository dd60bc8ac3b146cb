// A job outlives its provider: the plugin is unlinked while the job runs. What the job's log means only
// its provider can say, so nothing guesses: the job is not finalized until the provider is back.
import {expect} from 'chai'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {jobFile, REPO, sandbox, waitFor} from '../helpers.js'

describe('reliability: a provider uninstalled while its job runs', function () {
  this.timeout(180_000)
  let sb
  before(() => {
    sb = sandbox('gone')
    for (const d of ['data', 'cache', 'config']) mkdirSync(join(sb.base, d))
    Object.assign(sb.env, {XDG_DATA_HOME: join(sb.base, 'data'), XDG_CACHE_HOME: join(sb.base, 'cache'), XDG_CONFIG_HOME: join(sb.base, 'config')})
  })
  after(async () => sb?.cleanup())

  it('the job ends meanwhile: exited_err / provider_not_installed, nothing recorded; linked again, its provider classifies it', async () => {
    const link = () => expect(sb.run(['plugins', 'link', join(REPO, 'examples/provider-exec')]).code).to.equal(0)
    link()
    // exits 0 after reporting an error of its own: only the exec provider reads that as a failure
    const go = join(sb.base, 'go')
    writeFileSync(join(sb.base, 'job.sh'), `while [ ! -e ${go} ]; do sleep 0.1; done\necho 'dx-exec: {"kind":"error","message":"boom"}'\nexit 0\n`)
    const s = sb.run(['start', '--beads', 'bd-gone', '--provider', 'exec', '--prompt-file', join(sb.base, 'job.sh')])
    expect(s.code, s.stderr).to.equal(0)
    expect(sb.run(['plugins', 'unlink', 'dx-runner-provider-exec']).code).to.equal(0)
    writeFileSync(go, '')
    await waitFor(() => existsSync(jobFile(sb, 'exec', 'bd-gone', 'rc')) || undefined, {what: 'the job to end'})

    for (const cmd of [['check', '--beads', 'bd-gone', '--json'], ['status', '--json']]) {
      const r = sb.json(cmd)
      const doc = cmd[0] === 'check' ? r.doc : r.doc.jobs.find((j) => j.beads === 'bd-gone')
      expect(doc, cmd[0]).to.include({state: 'exited_err', reason_code: 'provider_not_installed', outcome: '-'})
    }
    expect(existsSync(jobFile(sb, 'exec', 'bd-gone', 'outcome')), 'no outcome recorded').to.equal(false)

    link()
    const c = await waitFor(() => {
      const x = sb.json(['check', '--beads', 'bd-gone', '--json'])
      return x.doc.reason_code !== 'provider_not_installed' ? x : undefined
    }, {what: 'the job to be classified'})
    expect(c.doc).to.include({state: 'exited_err', reason_code: 'provider_error_result', exit_code: '0'})
    expect(JSON.parse(readFileSync(jobFile(sb, 'exec', 'bd-gone', 'outcome'), 'utf8'))).to.include({state: 'failed', reason_code: 'provider_error_result', exit_code: 0})
  })
})
