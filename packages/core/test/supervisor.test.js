import {expect} from 'chai'
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {ensureDir, groupMembers, isAlive, jobPaths, launchSupervisor, readIdentityFile, readProcStat, readRcFile, Secret, stopProcessGroup} from '../dist/index.js'

const SECRET = 'sup3r-s3cret-token-for-supervisor-test'

async function waitFor(fn, ms = 20_000) {
  const end = Date.now() + ms
  for (;;) {
    const v = fn()
    if (v) return v
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 25))
  }
}

function setup(name) {
  const root = mkdtempSync(join(tmpdir(), 'dxr-sup-'))
  const paths = jobPaths(root, 'test', name)
  ensureDir(paths.dir)
  const prompt = join(root, 'prompt.txt')
  writeFileSync(prompt, 'hello from the prompt\n')
  // the meta is the commit point: without it the supervisor launches nothing
  const commit = () => writeFileSync(paths.meta, '{}')
  return {root, paths, prompt, commit}
}

function spec(script, extra = {}) {
  return {command: 'sh', args: ['-c', script], env: {PLAIN_VAR: 'plain'}, secretEnv: {DXR_SECRET: new Secret(SECRET)}, stdin: 'prompt', cwd: tmpdir(), ...extra}
}

describe('supervisor (real sh)', function () {
  const groups = []
  const roots = []
  afterEach(async () => {
    for (const g of groups.splice(0)) await stopProcessGroup(g, 500)
  })
  after(() => {
    for (const r of roots) rmSync(r, {recursive: true, force: true})
  })

  it('feeds the prompt on stdin, passes the secret only to the agent, writes rc through a rename', async () => {
    const {root, paths, prompt, commit} = setup('job-a')
    roots.push(root)
    const script = 'read line; echo "line=$line"; [ "$DXR_SECRET" = "' + SECRET + '" ] && echo secret-ok; echo "plain=$PLAIN_VAR"; exit 3'
    const launched = await launchSupervisor({paths, spec: spec(script), promptFile: prompt, baseEnv: {PATH: process.env.PATH, DXR_SECRET: SECRET}, commit})
    groups.push(launched.monitor.pid)
    const rc = await waitFor(() => {
      const r = readRcFile(paths.rc)
      return r.kind === 'ok' ? r : undefined
    })
    expect(rc.value).to.equal(3)
    const log = readFileSync(paths.log, 'utf8')
    expect(log).to.include('line=hello from the prompt')
    expect(log).to.include('secret-ok')
    expect(log).to.include('plain=plain')
    expect(log).to.not.include(SECRET)
    expect(statSync(paths.rc).mode & 0o777).to.equal(0o600)
    expect(existsSync(`${paths.rc}.tmp`)).to.equal(false)
    expect(launched.agent.pid).to.not.equal(launched.monitor.pid)
    expect(readFileSync(paths.cputime, 'utf8').split('\n')[1]).to.match(/^\d+m[\d.]+s \d+m[\d.]+s$/)
  })

  it('records the real agent PID and keeps the secret out of its own argv and environ', async () => {
    const {root, paths, prompt, commit} = setup('job-b')
    roots.push(root)
    const launched = await launchSupervisor({paths, spec: spec('exec sleep 30'), promptFile: prompt, baseEnv: {PATH: process.env.PATH, DXR_SECRET: SECRET}, commit})
    groups.push(launched.monitor.pid)
    const agent = readIdentityFile(paths.pid)
    expect(agent.kind).to.equal('ok')
    expect(isAlive(agent.identity)).to.equal(true)
    // the recorded PID is the agent itself (sleep), in the supervisor's own session and group
    await waitFor(() => readFileSync(`/proc/${agent.identity.pid}/cmdline`, 'latin1').startsWith('sleep'))
    const st = readProcStat(agent.identity.pid)
    expect(st.pgrp).to.equal(launched.monitor.pid)
    expect(st.session).to.equal(launched.monitor.pid)
    const monEnv = readFileSync(`/proc/${launched.monitor.pid}/environ`, 'latin1')
    const monArgv = readFileSync(`/proc/${launched.monitor.pid}/cmdline`, 'latin1')
    expect(monEnv).to.not.include(SECRET)
    expect(monArgv).to.not.include(SECRET)
    expect(readFileSync(`/proc/${agent.identity.pid}/cmdline`, 'latin1')).to.not.include(SECRET)
    const r = await stopProcessGroup(launched.monitor.pid, 2000)
    expect(r.remaining).to.deep.equal([])
    expect(groupMembers(launched.monitor.pid)).to.deep.equal([])
    // the supervisor survives TERM long enough to record the agent's status
    const rc = readRcFile(paths.rc)
    expect(rc).to.deep.equal({kind: 'ok', value: 143})
  })

  it('ends the agent at --timeout and marks it', async () => {
    const {root, paths, prompt, commit} = setup('job-c')
    roots.push(root)
    const launched = await launchSupervisor({paths, spec: spec('exec sleep 30', {stdin: 'null'}), promptFile: prompt, baseEnv: {PATH: process.env.PATH}, timeoutSec: 1, commit})
    groups.push(launched.monitor.pid)
    await waitFor(() => readRcFile(paths.rc).kind === 'ok')
    expect(existsSync(paths.timeoutMarker)).to.equal(true)
    await waitFor(() => groupMembers(launched.monitor.pid).length === 0)
  })

  it('launches nothing when the job was never registered (start killed before its meta)', async () => {
    const {root, paths, prompt} = setup('job-d')
    roots.push(root)
    let error
    try {
      await launchSupervisor({paths, spec: spec('exec sleep 30'), promptFile: prompt, baseEnv: {PATH: process.env.PATH}, waitMs: 1500})
    } catch (e) {
      error = e
    }
    expect(error?.message).to.match(/did not record the agent/)
    expect(existsSync(paths.pid)).to.equal(false)
    expect(existsSync(paths.monitorPid)).to.equal(false)
    expect(existsSync(paths.log)).to.equal(false)
  })
})
