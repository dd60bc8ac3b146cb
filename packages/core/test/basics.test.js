import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {mkdtempSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync, statSync, readdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {inspect} from 'node:util'
import {
  allowedPrefixes, buildRegistry, DxError, formatElapsed, identityOf, isAlive, parseDuration, parseIdentity, parseProcStat,
  permissionGate, readJsonFile, readRcFile, requireProvider, resolveThresholds, Secret, validateBeadsId, writeJsonAtomic,
  parsePorcelainV2, acquireJobLock, parseTimes, recordLaunch, relaunchEnv, providerProblem,
} from '../dist/index.js'

describe('beads ids', () => {
  for (const bad of ['../x', 'a/b', '', 'x'.repeat(65), '-rf', '.hidden', 'a\nb', 'a b', 'a\0b', 'é']) {
    it(`rejects ${JSON.stringify(bad)} with exit 1`, () => {
      expect(() => validateBeadsId(bad)).to.throw().that.satisfies((e) => DxError.isInstance(e) && e.exitCode === 1 && /must be 1-64/.test(e.message))
    })
  }
  for (const good of ['bd-123', 'a', 'x'.repeat(64), 'A.b_c-1']) {
    it(`accepts ${good}`, () => expect(validateBeadsId(good)).to.equal(good))
  }
})

describe('Secret', () => {
  it('never prints its value', () => {
    const s = new Secret('tok-very-secret')
    expect(String(s)).to.equal('[redacted]')
    expect(JSON.stringify({s})).to.equal('{"s":"[redacted]"}')
    expect(inspect({s})).to.not.include('tok-very-secret')
    expect(`${s}`).to.not.include('tok')
    expect(s.reveal()).to.equal('tok-very-secret')
  })
})

describe('DxError', () => {
  it('is recognised across copies by its marker', () => {
    const e = new DxError('x', {exitCode: 22})
    const foreign = {[Symbol.for('dx-runner.error')]: true, exitCode: 22, message: 'x'}
    expect(DxError.isInstance(e)).to.equal(true)
    expect(DxError.isInstance(foreign)).to.equal(true)
    expect(DxError.isInstance(new Error('x'))).to.equal(false)
  })
})

describe('provider registry', () => {
  const ok = {specificationVersion: 'v1', name: 'good', description: '', defaultModel: 'm', resolveAuth() {}, preflight() {}, probe() {}, selectModel() {}, buildLaunch() {}, classifyExit() {}}
  it('refuses another specificationVersion by name, keeps the rest', () => {
    const r = buildRegistry([
      {plugin: {name: 'pkg-good', version: '1.0.0'}, result: ok},
      {plugin: {name: 'pkg-future', version: '9.0.0'}, result: {...ok, name: 'future', specificationVersion: 'v2'}},
    ])
    expect([...r.providers.keys()]).to.deep.equal(['good'])
    expect(r.incompatible).to.have.length(1)
    expect(r.incompatible[0].reason).to.match(/pkg-future implements specificationVersion "v2"/)
    expect(() => requireProvider(r, 'future')).to.throw(/incompatible/).with.property('exitCode', 20)
    expect(() => requireProvider(r, 'nope')).to.throw(/not found/).with.property('exitCode', 20)
  })
  it('refuses an object lacking methods', () => {
    const r = buildRegistry([{plugin: {name: 'p', version: '1'}, result: {...ok, classifyExit: undefined}}])
    expect(r.incompatible[0].reason).to.match(/classifyExit/)
  })
})

describe('durations and thresholds', () => {
  it('parses durations', () => {
    expect(parseDuration('--timeout', '90')).to.equal(90)
    expect(parseDuration('--timeout', '1.5m')).to.equal(90)
    expect(parseDuration('--timeout', '2h')).to.equal(7200)
    expect(() => parseDuration('--timeout', 'soon')).to.throw(/--timeout/)
    expect(() => parseDuration('--timeout', '0')).to.throw(/greater than zero/)
  })
  it('formats elapsed', () => {
    expect(formatElapsed(5)).to.equal('5s')
    expect(formatElapsed(300)).to.equal('5m')
    expect(formatElapsed(3700)).to.equal('1h1m')
  })
  it('takes thresholds from env and flags', () => {
    const t = resolveThresholds({DX_RUNNER_STALL_MINUTES: '0.5'}, {noOpMinutes: 0.1})
    expect(t.stallMinutes).to.equal(0.5)
    expect(t.noOpMinutes).to.equal(0.1)
    expect(() => resolveThresholds({DX_RUNNER_STALL_MINUTES: 'x'})).to.throw(/DX_RUNNER_STALL_MINUTES/)
  })
})

describe('/proc identity', () => {
  it('parses stat lines whose command holds spaces and parentheses', () => {
    const line = '4242 (a (b) c) S 1 4242 4242 0 -1 4194560 10 0 0 0 7 3 0 0 20 0 1 0 98765 1000 100 18446744073709551615'
    const st = parseProcStat(line)
    expect(st).to.include({pid: 4242, state: 'S', ppid: 1, pgrp: 4242, utime: 7, stime: 3, starttime: 98765})
  })
  it('knows this process, and not a reused PID', () => {
    const me = identityOf(process.pid)
    expect(isAlive(me)).to.equal(true)
    expect(isAlive({...me, starttime: me.starttime + 1})).to.equal(false)
    expect(isAlive({...me, boot_id: 'other-boot'})).to.equal(false)
    expect(parseIdentity('12 34 abc-def\n')).to.deep.equal({pid: 12, starttime: 34, boot_id: 'abc-def'})
    expect(parseIdentity('garbage')).to.equal(undefined)
  })
})

describe('artifact store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dxr-store-'))
  it('writes atomically with mode 0600 and leaves no temp file', () => {
    const p = join(dir, 'a.meta')
    writeJsonAtomic(p, {a: 1})
    expect(statSync(p).mode & 0o777).to.equal(0o600)
    expect(readdirSync(dir).filter((n) => n.includes('.tmp'))).to.deep.equal([])
    expect(readJsonFile(p)).to.deep.equal({kind: 'ok', value: {a: 1}})
  })
  it('reports empty, truncated, binary, array and huge files as corrupt', () => {
    const cases = {empty: '', trunc: '{"a": 1', bin: Buffer.from([0, 1, 2, 255]), arr: '[1]', huge: `{"a":"${'x'.repeat(1024 * 1024 + 10)}"}`}
    for (const [name, body] of Object.entries(cases)) {
      writeFileSync(join(dir, name), body)
      expect(readJsonFile(join(dir, name)).kind, name).to.equal('corrupt')
    }
    expect(readJsonFile(join(dir, 'absent')).kind).to.equal('missing')
  })
  it('reads rc files strictly', () => {
    writeFileSync(join(dir, 'ok.rc'), '0\n')
    writeFileSync(join(dir, 'bad.rc'), 'zero\n')
    writeFileSync(join(dir, 'empty.rc'), '')
    expect(readRcFile(join(dir, 'ok.rc'))).to.deep.equal({kind: 'ok', value: 0})
    expect(readRcFile(join(dir, 'bad.rc')).kind).to.equal('corrupt')
    expect(readRcFile(join(dir, 'empty.rc')).kind).to.equal('corrupt')
  })
  it('breaks a lock whose holder is dead, not one whose holder lives', () => {
    const lockPath = join(dir, 'locks', 'x.lock')
    mkdirSync(join(dir, 'locks'))
    writeFileSync(lockPath, '999999 1 00000000-0000-0000-0000-000000000000\n')
    const l = acquireJobLock(lockPath, 1000)
    expect(() => acquireJobLock(lockPath, 100)).to.throw(/holds the lock/)
    l.release()
    acquireJobLock(lockPath, 100).release()
  })
  it('an anonymous (empty) lock file is respected while fresh and broken once old; the lock dir keeps no temp files', () => {
    mkdirSync(join(dir, 'anon'))
    const lockPath = join(dir, 'anon', 'x.lock')
    writeFileSync(lockPath, '')
    // a waiter that has waited a while must still not take a fresh anonymous lock for stale
    expect(() => acquireJobLock(lockPath, 600)).to.throw(/holds the lock/)
    const old = new Date(Date.now() - 10_000)
    utimesSync(lockPath, old, old)
    const l = acquireJobLock(lockPath, 100)
    expect(readdirSync(join(dir, 'anon'))).to.deep.equal(['x.lock'])
    l.release()
    expect(readdirSync(join(dir, 'anon'))).to.deep.equal([])
  })
  it('release does not remove a lock another process took after breaking ours', () => {
    mkdirSync(join(dir, 'steal'))
    const lockPath = join(dir, 'steal', 'x.lock')
    const l = acquireJobLock(lockPath, 100)
    const other = '1 1 00000000-0000-0000-0000-000000000001'
    unlinkSync(lockPath)
    symlinkSync(other, lockPath)
    l.release()
    expect(readlinkSync(lockPath, 'latin1')).to.equal(other)
  })
  it('mutual exclusion across processes: 8 processes × 25 locked increments lose none', async () => {
    mkdirSync(join(dir, 'race'))
    const counter = join(dir, 'race', 'n')
    writeFileSync(counter, '0')
    const script = `
      import {readFileSync, writeFileSync} from 'node:fs'
      import {acquireJobLock} from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)}
      for (let i = 0; i < 25; i++) {
        const l = acquireJobLock(process.argv[1], 30000)
        const n = Number(readFileSync(process.argv[2], 'utf8'))
        writeFileSync(process.argv[2], String(n + 1))
        l.release()
      }`
    const runs = Array.from({length: 8}, () => new Promise((resolve, reject) => {
      const c = spawn(process.execPath, ['--input-type=module', '-e', script, join(dir, 'race', 'x.lock'), counter], {stdio: ['ignore', 'ignore', 'pipe']})
      let err = ''
      c.stderr.on('data', (d) => (err += d))
      c.on('error', reject)
      c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`child exit ${code}: ${err}`))))
    }))
    await Promise.all(runs)
    expect(Number(readFileSync(counter, 'utf8'))).to.equal(200)
    expect(readdirSync(join(dir, 'race'))).to.deep.equal(['n'])
  })
})

describe('permission gate', () => {
  const base = mkdtempSync('/tmp/agents-gate-test-')
  const made = []
  after(() => {
    for (const d of [base, ...made]) rmSync(d, {recursive: true, force: true})
  })
  it('checks path components and symlinks', () => {
    mkdirSync('/tmp/agents', {recursive: true})
    const inside = mkdtempSync('/tmp/agents/gate-')
    made.push(inside)
    const link = join(inside, 'escape')
    symlinkSync('/', link)
    const prefixes = allowedPrefixes({HOME: '/nonexistent-home'})
    expect(permissionGate(inside, prefixes).passed).to.equal(true)
    expect(permissionGate(base, prefixes)).to.include({passed: false, reason_code: 'outside_allowed_prefixes'})
    expect(permissionGate(link, prefixes).passed).to.equal(false)
    expect(permissionGate('/etc', prefixes).passed).to.equal(false)
  })
  it('adds DX_RUNNER_ALLOWED_PREFIXES', () => {
    expect(allowedPrefixes({HOME: '/h', DX_RUNNER_ALLOWED_PREFIXES: '/srv/a:/srv/b'})).to.include.members(['/srv/a', '/srv/b', '/h/agent-skills'])
  })
})

describe('git porcelain parsing', () => {
  it('reads HEAD and changed paths, renames and untracked', () => {
    const sha = 'a'.repeat(40)
    const out = [`# branch.oid ${sha}`, '# branch.head main', `1 .M N... 100644 100644 100644 ${sha} ${sha} src/a b.ts`, `2 R. N... 100644 100644 100644 ${sha} ${sha} R100 new.ts`, 'old.ts', '? untracked.txt', ''].join('\0')
    expect(parsePorcelainV2(out)).to.deep.equal({head: sha, dirty: ['src/a b.ts', 'new.ts', 'untracked.txt']})
  })
})

describe('supervisor cpu times', () => {
  it('sums the children line of `times`', () => {
    expect(parseTimes('0m0.00s 0m0.01s\n0m1.50s 1m0.25s\n')).to.equal(61.75)
    expect(parseTimes('garbage')).to.equal(undefined)
  })
})

describe('launch settings (recorded at start, put back at restart)', () => {
  const provider = {settingsEnv: ['X_BASE_URL', 'X_TOKEN_FILE', 'X_RETRIES', 'X_LEAKY']}
  const auth = {source: 'X_TOKEN', env: {X_KEY: new Secret('sekrit-value-123')}}
  it('records the declared variables that are set, and the key\'s source by name', () => {
    const r = recordLaunch(provider, {X_BASE_URL: 'http://h', X_TOKEN_FILE: '/t', X_RETRIES: '', OTHER: 'o'}, auth)
    expect(r).to.deep.equal({auth_source: 'X_TOKEN', env: {X_BASE_URL: 'http://h', X_TOKEN_FILE: '/t'}})
  })
  it('never records a value that carries the key, nor a source that does', () => {
    const r = recordLaunch(provider, {X_LEAKY: 'Bearer sekrit-value-123'}, {...auth, source: 'sekrit-value-123'})
    expect(JSON.stringify(r)).to.not.include('sekrit')
    expect(r.auth_source).to.equal(null)
  })
  it('restart: recorded values win, settings unset at start are removed, the rest is the caller\'s', () => {
    const env = relaunchEnv(provider, {X_BASE_URL: 'http://other', X_RETRIES: '9', PATH: '/p'}, {auth_source: 'X_TOKEN', env: {X_BASE_URL: 'http://h'}})
    expect(env).to.deep.equal({X_BASE_URL: 'http://h', PATH: '/p'})
  })
  it('a meta from before launch settings relaunches with the caller\'s environment', () => {
    expect(relaunchEnv(provider, {X_BASE_URL: 'http://other'}, undefined)).to.deep.equal({X_BASE_URL: 'http://other'})
  })
  it('a provider whose settingsEnv is not a list of names is refused', () => {
    const p = {specificationVersion: 'v1', name: 'p', resolveAuth() {}, preflight() {}, probe() {}, selectModel() {}, buildLaunch() {}, classifyExit() {}}
    expect(providerProblem({...p, settingsEnv: ['OK_NAME']})).to.equal(undefined)
    expect(providerProblem({...p, settingsEnv: 'X'})).to.match(/settingsEnv/)
    expect(providerProblem({...p, settingsEnv: ['bad name']})).to.match(/settingsEnv/)
  })
})
