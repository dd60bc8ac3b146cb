// What `status` and `check` conclude from an agent's log: only the agent CLI's own structured events
// may say the key was refused, and an endpoint that cannot be reached at all is shown as such.
import {expect} from 'chai'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {startSimulator} from '@dx-runner/provider-testkit/simulator'
import {validateDocument} from '@dx-runner/core'
import {freePort, jobFile, providerJobs, TOKEN, waitFor} from '../helpers.js'

const logOf = (sb, provider, beads) => {
  try {
    return readFileSync(jobFile(sb, provider, beads, 'log'), 'utf8')
  } catch {
    return ''
  }
}

describe('status signals', function () {
  let sim
  // scenario: a simulator scenario, or a full base URL (an endpoint nothing listens on)
  const url = (scenario) => (scenario.startsWith('http') ? scenario : `${sim.url}/s/${scenario}`)
  const claude = providerJobs('cc-glm', (scenario, extra = {}) => ({CC_GLM_AUTH_TOKEN: TOKEN, CC_GLM_BASE_URL: url(scenario), ...extra}))
  const gemini = providerJobs('gemini', (scenario) => ({GEMINI_API_KEY: TOKEN, GOOGLE_GEMINI_BASE_URL: url(scenario)}))

  before(async () => {
    sim = await startSimulator({expectedToken: TOKEN})
  })
  afterEach(async () => {
    await claude.cleanup()
    await gemini.cleanup()
  })
  after(async () => {
    await sim?.close()
  })

  it('an agent whose tools print "HTTP 403 Forbidden" and "status 401" is not ended by status or check, and finishes exited_ok', async () => {
    const sb = claude.make('sig-403', 'run-command')
    const release = join(sb.base, 'release')
    // The model runs this through its Bash tool: a tool result saying "status 401", a plain line
    // "HTTP 403 Forbidden" on the CLI's own stderr (as a helper that inherited it would print), then
    // it waits for the test before writing its file. The key is fine all along.
    writeFileSync(
      sb.prompt,
      [
        'Run the command below.',
        `RUN: echo 'curl: status 401 Unauthorized'; echo 'HTTP 403 Forbidden' >> /proc/$PPID/fd/2; until [ -e '${release}' ]; do sleep 0.2; done; echo done > sim-output.txt`,
        '',
      ].join('\n'),
    )
    const s = claude.start(sb, 'bd-403')
    expect(s.code, s.stderr).to.equal(0)
    await waitFor(() => /^HTTP 403 Forbidden$/m.test(logOf(sb, 'cc-glm', 'bd-403')), {what: 'the plain 403 line in the log'})
    // every observer acts on what it reads (status and check end agents whose key was refused)
    for (let i = 0; i < 3; i++) {
      const st = sb.json(['status', '--json'])
      expect(st.doc.jobs[0], JSON.stringify(st.doc)).to.include({beads: 'bd-403', state: 'healthy'})
      const c = claude.checkJson(sb, 'bd-403')
      expect(c.code, JSON.stringify(c.doc)).to.equal(0)
      expect(c.doc.state).to.equal('healthy')
    }
    writeFileSync(release, '')
    const done = await claude.finished(sb, 'bd-403')
    expect(done.doc).to.include({state: 'exited_ok', reason_code: 'outcome_exit_0', exit_code: '0'})
    // the log did hold both: the plain line and the tool result (the tool's output, in claude's own event)
    const log = logOf(sb, 'cc-glm', 'bd-403')
    expect(log).to.match(/^HTTP 403 Forbidden$/m)
    expect(log).to.match(/"type":"tool_result","content":"curl: status 401 Unauthorized/)
  })

  it('claude pointed at a closed port: healthy / provider_retrying with the retry in check --json, then exited_err / provider_unreachable', async () => {
    const port = await freePort()
    const sb = claude.make('sig-unreach', `http://127.0.0.1:${port}`, {CLAUDE_CODE_MAX_RETRIES: '4'})
    expect(claude.start(sb, 'bd-unreach').code).to.equal(0)
    const retrying = await waitFor(() => {
      const c = claude.checkJson(sb, 'bd-unreach')
      return c.doc.reason_code === 'provider_retrying' || c.doc.state.startsWith('exited') ? c : undefined
    }, {what: 'provider_retrying'})
    expect(retrying.doc).to.include({state: 'healthy', reason_code: 'provider_retrying'})
    expect(await validateDocument('check', retrying.doc)).to.deep.equal([])
    // no HTTP status: nothing answered; claude's own word for the cause
    expect(retrying.doc.last_retry).to.include({status: null, error: 'unknown'})
    expect(retrying.doc.last_retry.attempt).to.be.at.least(1)
    const done = await claude.finished(sb, 'bd-unreach')
    expect(done.doc).to.include({state: 'exited_err', reason_code: 'provider_unreachable'})
    const r = sb.json(['report', '--beads', 'bd-unreach'])
    expect(await validateDocument('report', r.doc)).to.deep.equal([])
    expect(r.doc).to.include({reason_code: 'provider_unreachable'})
    expect(r.doc.last_retry).to.include({status: null})
  })

  it('gemini pointed at a closed port: healthy / provider_retrying while it backs off, then exited_err / provider_unreachable', async () => {
    const port = await freePort()
    const sb = gemini.make('sig-g-unreach', `http://127.0.0.1:${port}`)
    // gemini reads general.maxAttempts from the trusted workspace's settings (default 10: minutes of backoff)
    mkdirSync(join(sb.worktree, '.gemini'))
    writeFileSync(join(sb.worktree, '.gemini', 'settings.json'), `${JSON.stringify({general: {maxAttempts: 3}})}\n`)
    sb.git('add', '.')
    sb.git('commit', '-q', '-m', 'gemini settings')
    expect(gemini.start(sb, 'bd-g-unreach').code).to.equal(0)
    const retrying = await waitFor(() => {
      const c = gemini.checkJson(sb, 'bd-g-unreach')
      return c.doc.reason_code === 'provider_retrying' || c.doc.state.startsWith('exited') ? c : undefined
    }, {what: 'provider_retrying'})
    expect(retrying.doc).to.include({state: 'healthy', reason_code: 'provider_retrying'})
    expect(retrying.doc.last_retry).to.include({status: null})
    expect(retrying.doc.last_retry.error).to.match(/fetch failed/)
    const done = await gemini.finished(sb, 'bd-g-unreach')
    expect(done.doc).to.include({state: 'exited_err', reason_code: 'provider_unreachable'})
  })
})
