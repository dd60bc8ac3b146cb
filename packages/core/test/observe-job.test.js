import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {DEFAULT_THRESHOLDS, formatIdentity, identityOf, jobPaths, observeJob, ProcessTable} from '../dist/index.js'

/** A provider that reads `{"result": …}` lines and calls an error result an error. */
const provider = {
  name: 'plug',
  parseEvent(line) {
    const j = JSON.parse(line)
    return j.result ? {kind: 'result', is_error: j.result === 'error', session_id: j.session} : undefined
  },
  classifyExit(facts) {
    return facts.telemetry.session_id === 's-err' ? {state: 'failed', reason_code: 'provider_error_result'} : {state: 'success', reason_code: 'outcome_exit_0'}
  },
}

describe('a job whose provider is not installed', () => {
  let root
  let paths
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'dx-observe-'))
    paths = jobPaths(root, 'plug', 'bd-gone')
    mkdirSync(paths.dir, {recursive: true})
    const created = new Date(Date.now() - 60_000).toISOString()
    const meta = {
      schema_version: 1, beads: 'bd-gone', provider: 'plug', worktree: root, repo: null, prompt_file: join(root, 'p'), model: null, selected_model: 'm',
      fallback_reason: '', execution_mode: 'detached', retries: 0, created_at: created, timeout_sec: null,
    }
    writeFileSync(paths.meta, JSON.stringify(meta))
    // an agent that exited 0 with an error result of its own: only its provider can tell
    writeFileSync(paths.log, '{"result":"error","session":"s-err"}\n')
    writeFileSync(paths.rc, '0')
  })
  afterEach(() => rmSync(root, {recursive: true, force: true}))

  const look = (providerFor) => observeJob(paths, {table: ProcessTable.scan(), thresholds: DEFAULT_THRESHOLDS, now: Date.now(), providerFor, observer: 'status'})

  it('reads exited_err / provider_not_installed (even with exit 0) and records no outcome; once the provider is back it is classified by it', async () => {
    const before = await look(() => undefined)
    expect([before.state, before.reason_code, before.exit_code]).to.deep.equal(['exited_err', 'provider_not_installed', 0])
    expect(before.completed_at).to.be.a('string')
    expect(existsSync(paths.outcome), 'no outcome recorded').to.equal(false)
    const again = await look(() => undefined)
    expect(again.reason_code).to.equal('provider_not_installed')

    const after = await look((n) => (n === 'plug' ? provider : undefined))
    expect([after.state, after.reason_code]).to.deep.equal(['exited_err', 'provider_error_result'])
    const outcome = JSON.parse(readFileSync(paths.outcome, 'utf8'))
    expect(outcome).to.deep.include({state: 'failed', reason_code: 'provider_error_result', exit_code: 0, session_id: 's-err'})
  })

  it('a non-zero exit reads exited_err / provider_not_installed too', async () => {
    writeFileSync(paths.rc, '3')
    const v = await look(() => undefined)
    expect([v.state, v.reason_code, v.exit_code]).to.deep.equal(['exited_err', 'provider_not_installed', 3])
    expect(existsSync(paths.outcome)).to.equal(false)
  })
})

describe('an agent whose key the service refused', () => {
  let root
  let paths
  let agent
  const alive = (pid) => {
    try {
      process.kill(pid, 0)
      return ProcessTable.scan().get(pid)?.state !== 'Z'
    } catch {
      return false
    }
  }
  /** Reads `{"status": N}` lines as the CLI's error events. */
  const refusing = {name: 'plug', parseEvent: (line) => ({kind: 'error', status: JSON.parse(line).status}), classifyExit: () => ({state: 'failed', reason_code: 'process_exit_with_rc'})}
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'dx-refused-'))
    paths = jobPaths(root, 'plug', 'bd-401')
    mkdirSync(paths.dir, {recursive: true})
    const meta = {
      schema_version: 1, beads: 'bd-401', provider: 'plug', worktree: root, repo: null, prompt_file: join(root, 'p'), model: null, selected_model: 'm',
      fallback_reason: '', execution_mode: 'detached', retries: 0, created_at: new Date().toISOString(), timeout_sec: null,
    }
    writeFileSync(paths.meta, JSON.stringify(meta))
    writeFileSync(paths.log, '{"status":401}\n')
    // the agent, alone in its own process group as a supervisor's would be
    agent = spawn('sleep', ['300'], {detached: true, stdio: 'ignore'})
    await new Promise((r) => agent.once('spawn', r))
    writeFileSync(paths.pid, formatIdentity(identityOf(agent.pid)))
    writeFileSync(paths.monitorPid, formatIdentity(identityOf(agent.pid)))
  })
  afterEach(() => {
    try {
      process.kill(-agent.pid, 'SIGKILL')
    } catch {}
    rmSync(root, {recursive: true, force: true})
  })
  const look = (observer) => observeJob(paths, {table: ProcessTable.scan(), thresholds: DEFAULT_THRESHOLDS, now: Date.now(), providerFor: () => refusing, observer})

  it("the watchdog's re-check leaves it running and records nothing", async () => {
    const v = await look('watchdog-recheck')
    expect(v.state).to.not.equal('exited_err')
    expect(alive(agent.pid)).to.equal(true)
    expect(existsSync(paths.outcome) || existsSync(paths.heartbeat)).to.equal(false)
  })

  it('status ends it first, then records exited_err / provider_auth_failed', async () => {
    const v = await look('status')
    expect([v.state, v.reason_code]).to.deep.equal(['exited_err', 'provider_auth_failed'])
    expect(alive(agent.pid), 'the agent is ended').to.equal(false)
    const outcome = JSON.parse(readFileSync(paths.outcome, 'utf8'))
    expect(outcome).to.include({state: 'failed', reason_code: 'provider_auth_failed', exit_code: null})
    expect(v.outcome).to.deep.equal(outcome)
    expect(v.completed_at).to.equal(outcome.completed_at)
  })
})
