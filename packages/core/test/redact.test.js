import {expect} from 'chai'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {preflightKey, redactSecretsUnder, Secret} from '../dist/index.js'

describe('redactSecretsUnder: the secret safety net at a job end', () => {
  let dir
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dxr-redact-'))
  })
  afterEach(() => rmSync(dir, {recursive: true, force: true}))

  it('redacts every occurrence in every file, nested and binary ones too, and lists the files', () => {
    const key = 'sk-test-0123456789abcdef'
    mkdirSync(join(dir, 'tmp/home/.codex'), {recursive: true})
    writeFileSync(join(dir, 'log'), `a ${key} b ${key}\n`)
    writeFileSync(join(dir, 'tmp/home/.codex/snap.sh'), Buffer.concat([Buffer.from([0, 255]), Buffer.from(key), Buffer.from([1])]))
    writeFileSync(join(dir, 'meta'), '{"x":1}\n')
    expect(redactSecretsUnder(dir, [key])).to.deep.equal(['log', 'tmp/home/.codex/snap.sh'])
    expect(readFileSync(join(dir, 'log'), 'utf8')).to.equal('a [redacted] b [redacted]\n')
    expect(readFileSync(join(dir, 'tmp/home/.codex/snap.sh'))).to.deep.equal(Buffer.concat([Buffer.from([0, 255]), Buffer.from('[redacted]'), Buffer.from([1])]))
    expect(readFileSync(join(dir, 'meta'), 'utf8')).to.equal('{"x":1}\n')
  })

  it('finds a key that straddles the 1 MiB read boundary, in a file larger than one read', () => {
    const key = 'ABCDEFGHIJKLMNOPQRSTUVWX'
    const head = 'x'.repeat((1 << 20) - 10)
    writeFileSync(join(dir, 'log'), `${head}${key}${'y'.repeat(1 << 20)}${key}`)
    expect(redactSecretsUnder(dir, [key])).to.deep.equal(['log'])
    const text = readFileSync(join(dir, 'log'), 'utf8')
    expect(text.includes(key)).to.equal(false)
    expect(text.split('[redacted]')).to.have.length(3)
    expect(text.length).to.equal(head.length + 2 * '[redacted]'.length + (1 << 20))
  })

  it('ignores values too short to be a key, and a clean tree is left untouched', () => {
    writeFileSync(join(dir, 'log'), 'abc abc\n')
    expect(redactSecretsUnder(dir, ['abc', ''])).to.deep.equal([])
    expect(redactSecretsUnder(dir, ['not-present-anywhere-1234'])).to.deep.equal([])
    expect(readFileSync(join(dir, 'log'), 'utf8')).to.equal('abc abc\n')
  })
})

describe('preflightKey: a cached preflight is tied to its inputs', () => {
  const provider = {name: 'p', settingsEnv: ['P_BASE_URL']}
  const ctx = (env) => ({env: {PATH: '/bin', HOME: '/h', ...env}, cwd: '/', timeoutMs: 1})
  const auth = (v) => ({source: 'P_KEY', env: {P_KEY: new Secret(v)}})
  it('changes with the endpoint, the credential and the model; never contains the secret', () => {
    const base = preflightKey(provider, ctx({P_BASE_URL: 'http://a'}), auth('secret-value-1'))
    expect(preflightKey(provider, ctx({P_BASE_URL: 'http://a'}), auth('secret-value-1'))).to.equal(base)
    expect(preflightKey(provider, ctx({P_BASE_URL: 'http://b'}), auth('secret-value-1'))).to.not.equal(base)
    expect(preflightKey(provider, ctx({P_BASE_URL: 'http://a'}), auth('secret-value-2'))).to.not.equal(base)
    expect(preflightKey(provider, ctx({P_BASE_URL: 'http://a'}), auth('secret-value-1'), 'm2')).to.not.equal(base)
    expect(base).to.match(/^sha256:[0-9a-f]{64}$/)
  })
  it('uses the provider’s own preflightInputs when it declares them', () => {
    const own = {...provider, preflightInputs: (c) => [c.env.OTHER ?? '']}
    expect(preflightKey(own, ctx({OTHER: '1'}))).to.not.equal(preflightKey(own, ctx({OTHER: '2'})))
    expect(preflightKey(own, ctx({OTHER: '1', P_BASE_URL: 'x'}))).to.equal(preflightKey(own, ctx({OTHER: '1', P_BASE_URL: 'y'})))
  })
})
