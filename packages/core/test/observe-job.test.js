import {expect} from 'chai'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {DEFAULT_THRESHOLDS, jobPaths, observeJob, ProcessTable} from '../dist/index.js'

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
