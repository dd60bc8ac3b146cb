import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {startSimulator} from '@dx-runner/provider-testkit/simulator'
import {sandbox, TOKEN} from '../helpers.js'

// A real small tmpfs holding a root that does not exist yet: the first start is the one that creates it.
describe('first start on a read-only or full file system: one clear line, nothing created', function () {
  let sim, sb, mnt
  before(async () => {
    sim = await startSimulator({expectedToken: TOKEN})
  })
  after(async () => {
    await sim?.close()
  })
  beforeEach(() => {
    sb = sandbox('readonly')
    mnt = join(sb.base, 'small')
    mkdirSync(mnt)
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k,mode=0700', 'tmpfs', mnt])
    sb.root = join(mnt, 'root')
    Object.assign(sb.env, {DX_RUNNER_HOME: sb.root, CC_GLM_AUTH_TOKEN: TOKEN, CC_GLM_BASE_URL: `${sim.url}/s/answer`})
  })
  afterEach(async () => {
    try {
      execFileSync('mount', ['-o', 'remount,rw', mnt])
    } catch {}
    execFileSync('umount', ['-l', mnt])
    await sb.cleanup()
  })

  const start = () => sb.run(['start', '--beads', 'bd-first', '--provider', 'cc-glm', '--prompt-file', sb.prompt])
  const oneLine = (r) => {
    const lines = r.stderr.split('\n').filter(Boolean)
    expect(lines, r.stderr).to.have.length(1)
    return lines[0]
  }

  it('read-only file system: start exits 1 naming EROFS and the root, not ENOENT', () => {
    execFileSync('mount', ['-o', 'remount,ro', mnt])
    const r = start()
    expect(r.code, r.stderr).to.equal(1)
    const line = oneLine(r)
    expect(line).to.match(/read-only file system \(EROFS\)/)
    expect(line).to.include(sb.root)
    expect(line).to.not.match(/ENOENT/)
    expect(existsSync(sb.root)).to.equal(false)
  })

  it('full file system: start exits 1 naming ENOSPC and leaves no root and no empty .cache', () => {
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${join(mnt, 'filler')}`, 'bs=4k'], {stdio: 'ignore'})
    } catch {}
    const r = start()
    expect(r.code, r.stderr).to.equal(1)
    expect(oneLine(r)).to.match(/no space left on device \(ENOSPC\)/)
    expect(readdirSync(mnt)).to.deep.equal(['filler'])
  })
})
