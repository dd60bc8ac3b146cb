import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {startSimulator} from '@dx-runner/provider-testkit/simulator'
import {BIN, groupAlive, jobFile, sandbox, TOKEN, waitFor, walk} from '../helpers.js'

/** Every artifact of one job that a restart could touch, as a digest of its bytes (null when absent), so a failure's diff stays readable. */
const ARTIFACTS = ['meta', 'outcome', 'rc', 'log', 'log.1', 'heartbeat', 'pid', 'monitor.pid', 'contract', 'mutation', 'cputime', 'timeout', 'watchdog']
function artifacts(sb, beads) {
  const out = {}
  for (const name of ARTIFACTS) {
    const f = jobFile(sb, 'cc-glm', beads, name)
    out[name] = existsSync(f) ? createHash('sha256').update(readFileSync(f)).digest('hex') : null
  }
  return out
}

/** Is this process stopped (state T in /proc)? */
function isStopped(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('T')
  } catch {
    return false
  }
}

const WRONG_TOKEN = 'dxr-wrong-token-51c0de'

describe('restart', function () {
  let sim
  const sandboxes = []
  const children = []
  const make = (label, scenario, credential = 'env') => {
    const sb = sandbox(label)
    Object.assign(sb.env, {CC_GLM_BASE_URL: `${sim.url}/s/${scenario}`, CLAUDE_CODE_MAX_RETRIES: '0'})
    if (credential === 'env') sb.env.CC_GLM_AUTH_TOKEN = TOKEN
    else {
      sb.tokenFile = join(sb.base, 'glm-token')
      writeFileSync(sb.tokenFile, `${TOKEN}\n`, {mode: 0o600})
      sb.env.CC_GLM_TOKEN_FILE = sb.tokenFile
    }
    sandboxes.push(sb)
    return sb
  }
  const start = (sb, beads) => {
    const r = sb.json(['start', '--beads', beads, '--provider', 'cc-glm', '--prompt-file', sb.prompt, '--json'])
    expect(r.code, r.stderr).to.equal(0)
    return r.doc
  }
  const check = (sb, beads, flags = []) => sb.json(['check', '--beads', beads, '--json', ...flags]).doc
  const finished = (sb, beads) => waitFor(() => {
    const c = check(sb, beads)
    return c.state.startsWith('exited') ? c : undefined
  }, {what: `${beads} to finish`, timeoutMs: 90_000})
  const row = (sb, beads) => {
    const s = sb.json(['status', '--json'], {cwd: sb.base})
    const j = s.doc.jobs.find((x) => x.beads === beads)
    return {state: j.state, reason_code: j.reason_code, retry_count: j.retry_count}
  }
  /** Authorized model calls the simulator answered since `from`. */
  const modelCalls = (from) => sim.requests.slice(from).filter((r) => r.path === '/v1/messages' && r.authorized).length

  before(async () => {
    sim = await startSimulator({expectedToken: TOKEN})
  })
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
    for (const sb of sandboxes.splice(0)) {
      for (const f of walk(sb.root)) {
        const data = readFileSync(f)
        if (data.includes(TOKEN) || data.includes(WRONG_TOKEN)) throw new Error(`a token leaked into ${f}`)
      }
      await sb.cleanup()
    }
  })
  after(async () => {
    await sim?.close()
  })

  describe('a refused restart changes nothing: one stderr line, the documented exit code, every artifact byte-identical', () => {
    const cases = [
      ['its worktree was deleted', 1, (sb) => rmSync(sb.worktree, {recursive: true, force: true}), {}],
      ['its prompt file was deleted', 1, (sb) => rmSync(sb.prompt), {}],
      ['its token file was deleted', 11, (sb) => rmSync(sb.tokenFile), {}],
      ['its agent CLI is not on PATH', 21, () => {}, {PATH: '/usr/bin:/bin'}],
    ]
    for (const [what, code, breakIt, env] of cases) {
      it(`${what} → exit ${code}`, async () => {
        const sb = make('refused', 'answer', what.includes('token file') ? 'file' : 'env')
        start(sb, 'bd-r')
        await finished(sb, 'bd-r')
        const shown = row(sb, 'bd-r')
        const before = artifacts(sb, 'bd-r')
        breakIt(sb)
        const r = sb.run(['restart', '--beads', 'bd-r'], {env, cwd: sb.base})
        expect(r.code, r.stderr).to.equal(code)
        const lines = r.stderr.split('\n').filter(Boolean)
        expect(lines, r.stderr).to.have.length(1)
        expect(lines[0]).to.match(/^dx-runner: /)
        expect(artifacts(sb, 'bd-r')).to.deep.equal(before)
        expect(row(sb, 'bd-r')).to.deep.equal(shown)
      })
    }

    it('a running job whose agent CLI is gone from PATH keeps running, same agent, retries unchanged', async () => {
      const sb = make('refused-live', 'hang')
      const s = start(sb, 'bd-live')
      const meta = readFileSync(jobFile(sb, 'cc-glm', 'bd-live', 'meta'))
      const r = sb.run(['restart', '--beads', 'bd-live'], {env: {PATH: '/usr/bin:/bin'}})
      expect(r.code, r.stderr).to.equal(21)
      expect(r.stderr.split('\n').filter(Boolean)).to.have.length(1)
      expect(readFileSync(jobFile(sb, 'cc-glm', 'bd-live', 'meta'))).to.deep.equal(meta)
      expect(groupAlive(Number(s.monitor_pid))).to.equal(true)
      const c = check(sb, 'bd-live')
      expect(c.pid).to.equal(s.pid)
      expect(c.retry_count).to.equal(0)
      expect(existsSync(jobFile(sb, 'cc-glm', 'bd-live', 'outcome'))).to.equal(false)
    })
  })

  describe('a restart launches the job as it was started, whatever the caller\'s environment', () => {
    it('started with CC_GLM_BASE_URL, restarted from a shell without it: the agent still talks to that endpoint', async () => {
      const sb = make('endpoint', 'answer')
      start(sb, 'bd-ep')
      expect((await finished(sb, 'bd-ep')).state).to.equal('exited_ok')
      const from = sim.requests.length
      const r = sb.run(['restart', '--beads', 'bd-ep', '--json'], {env: {CC_GLM_BASE_URL: undefined}})
      expect(r.code, r.stderr).to.equal(0)
      const c = await finished(sb, 'bd-ep')
      expect(c, JSON.stringify(c)).to.include({state: 'exited_ok', retry_count: 1})
      expect(modelCalls(from)).to.be.above(0)
      const meta = JSON.parse(readFileSync(jobFile(sb, 'cc-glm', 'bd-ep', 'meta'), 'utf8'))
      expect(meta.launch).to.deep.include({auth_source: 'CC_GLM_AUTH_TOKEN'})
      expect(meta.launch.env).to.include({CC_GLM_BASE_URL: `${sim.url}/s/answer`})
    })

    it('token from a file, restarted from a shell with neither the file variable nor the endpoint but another token: the recorded file and endpoint are used, no secret is recorded', async () => {
      const sb = make('tokenfile', 'answer', 'file')
      start(sb, 'bd-tf')
      expect((await finished(sb, 'bd-tf')).state).to.equal('exited_ok')
      const from = sim.requests.length
      const r = sb.run(['restart', '--beads', 'bd-tf'], {env: {CC_GLM_TOKEN_FILE: undefined, CC_GLM_BASE_URL: undefined, CC_GLM_AUTH_TOKEN: WRONG_TOKEN}})
      expect(r.code, r.stderr).to.equal(0)
      const c = await finished(sb, 'bd-tf')
      expect(c, JSON.stringify(c)).to.include({state: 'exited_ok', retry_count: 1})
      expect(modelCalls(from)).to.be.above(0)
      expect(sim.requests.slice(from).filter((x) => x.path === '/v1/messages' && !x.authorized)).to.deep.equal([])
      const metaText = readFileSync(jobFile(sb, 'cc-glm', 'bd-tf', 'meta'), 'utf8')
      const meta = JSON.parse(metaText)
      expect(meta.launch.auth_source).to.equal('CC_GLM_TOKEN_FILE')
      expect(meta.launch.env).to.include({CC_GLM_TOKEN_FILE: sb.tokenFile, CC_GLM_BASE_URL: `${sim.url}/s/answer`})
      expect(metaText).to.not.include(TOKEN)
      for (const f of walk(sb.root)) expect(readFileSync(f).includes(TOKEN), f).to.equal(false)
    })
  })

  describe('the watchdog relaunches a job as it was started', () => {
    it('a stalled job started with CC_GLM_BASE_URL, restarted by a watchdog whose environment lacks it, goes back to that endpoint', async () => {
      const sb = make('wd-endpoint', 'hang')
      start(sb, 'bd-we')
      const fast = ['--stall-minutes', '0.05', '--no-op-minutes', '60']
      await waitFor(() => check(sb, 'bd-we', fast).state === 'stalled', {what: 'bd-we stalled'})
      const from = sim.requests.length
      // a round may see a burst of the agent's CPU and wait: rounds go on until one restarts the job
      await waitFor(() => {
        const r = sb.run(['watchdog', '--once', '--json', ...fast, '--backoff-seconds', '0'], {env: {CC_GLM_BASE_URL: undefined}})
        expect(r.code, r.stderr).to.equal(0)
        return r.stdout.includes('"action":"restarted"')
      }, {what: 'a watchdog round to restart bd-we'})
      await waitFor(() => modelCalls(from) > 0, {what: 'the restarted agent to call the simulator', timeoutMs: 30_000})
      expect(sb.run(['stop', '--beads', 'bd-we']).code).to.equal(0)
    })
  })

  describe('watchdog against a user\'s stop', () => {
    it('a stop between the watchdog\'s look and its restart wins: the job stays stopped, retries unchanged', async () => {
      const sb = make('wd-stop', 'hang')
      start(sb, 'bd-ws')
      const fast = ['--stall-minutes', '0.05', '--no-op-minutes', '60']
      await waitFor(() => check(sb, 'bd-ws', fast).state === 'stalled', {what: 'bd-ws stalled'})
      // the watchdog decides to restart, then stops itself before acting (DX_RUNNER_PAUSE); a round that
      // saw a burst of the agent's CPU does not decide so and ends: the next one is started
      let wd
      let out = ''
      let exited
      await waitFor(async () => {
        if (!wd || wd.exitCode !== null || wd.signalCode !== null) {
          wd = spawn(process.execPath, [BIN, 'watchdog', '--once', '--json', ...fast, '--backoff-seconds', '0'], {
            cwd: sb.worktree,
            env: {...sb.env, DX_RUNNER_PAUSE: 'watchdog-before-act'},
            stdio: ['ignore', 'pipe', 'pipe'],
          })
          children.push(wd)
          out = ''
          wd.stdout.on('data', (d) => (out += d))
          wd.stderr.on('data', (d) => (out += d))
          exited = new Promise((r) => wd.once('exit', (code) => r(code)))
        }
        return isStopped(wd.pid)
      }, {what: 'the watchdog to pause before acting', intervalMs: 50})
      const stop = sb.run(['stop', '--beads', 'bd-ws'])
      expect(stop.code, stop.stderr).to.equal(0)
      wd.kill('SIGCONT')
      expect(await exited, out).to.equal(0)
      expect(out).to.not.include('"action":"restarted"')
      const c = check(sb, 'bd-ws')
      expect(c, JSON.stringify(c)).to.include({state: 'exited_err', reason_code: 'stopped_by_user', retry_count: 0})
      expect(existsSync(jobFile(sb, 'cc-glm', 'bd-ws', 'log.1'))).to.equal(false)
      expect(sb.groups().filter(groupAlive)).to.deep.equal([])
    })
  })
})
