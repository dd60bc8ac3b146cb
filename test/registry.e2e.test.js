// The way a user gets dx-runner: publish the workspace to a real npm registry (verdaccio on loopback,
// its own storage), install the CLI from it into an empty prefix, install a third-party provider
// with `dx-runner plugins install`, and run real jobs through both.
import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {REPO, sandbox, sleep, startSimulatorProcess, TOKEN, waitFor} from './helpers.js'
import {publishWorkspace, startRegistry} from './registry-helpers.js'

describe('install from a registry (verdaccio), plugins, third-party providers', function () {
  this.timeout(600_000)
  let reg, dir, registry, npmrc, npm, prefix, dxr, sim, sb

  /** The installed CLI, as a user runs it. */
  const run = (args, env = {}) => {
    const r = spawnSync(dxr, args, {cwd: sb.worktree, encoding: 'utf8', env: {...sb.env, NPM_CONFIG_USERCONFIG: npmrc, npm_config_cache: join(dir, 'npm-cache'), npm_config_update_notifier: 'false', ...env}, timeout: 180_000})
    for (const text of [r.stdout, r.stderr]) if (text?.includes(TOKEN)) throw new Error(`token leaked by dx-runner ${args.join(' ')}`)
    return {code: r.status, stdout: r.stdout, stderr: r.stderr}
  }
  const json = (args, env) => {
    const r = run(args, env)
    try {
      return {...r, doc: JSON.parse(r.stdout)}
    } catch {
      throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`)
    }
  }

  before(async () => {
    reg = await startRegistry('registry')
    ;({dir, registry, npmrc, npm} = reg)
    // the whole workspace, and a provider from the future
    publishWorkspace(reg)
    npm(['publish', '--registry', registry], join(REPO, 'test/fixtures/provider-v2'))

    prefix = join(dir, 'prefix')
    mkdirSync(prefix)
    npm(['i', '-g', 'dx-runner', '--registry', registry, '--prefix', prefix], dir)
    dxr = join(prefix, 'bin', 'dx-runner')
    sim = await startSimulatorProcess({DXR_SIM_TOKEN: TOKEN}, ['--expected-token-env', 'DXR_SIM_TOKEN'])
    sb = sandbox('registry')
    // the agent CLIs come from the user's PATH, as for any user; our own repo is not on it
    sb.env.PATH = `${join(REPO, 'node_modules/.bin')}:/usr/local/bin:/usr/bin:/bin`
    Object.assign(sb.env, {CC_GLM_AUTH_TOKEN: TOKEN, CC_GLM_BASE_URL: `${sim.url}/s/write-file`})
  })

  after(async () => {
    await sb?.cleanup()
    await sim?.stop()
    await reg?.stop()
  })

  it('the installed CLI lists the four built-in providers and runs a real claude job', async () => {
    const p = json(['providers', '--json'])
    expect(p.code, p.stderr).to.equal(0)
    expect(p.doc.providers.map((x) => [x.name, x.package, x.version])).to.deep.equal([
      ['cc-glm', '@dx-runner/provider-cc-glm', '0.1.0'],
      ['claude-code', '@dx-runner/provider-claude-code', '0.1.0'],
      ['gemini', '@dx-runner/provider-gemini', '0.1.0'],
      ['opencode', '@dx-runner/provider-opencode', '0.1.0'],
    ])
    const s = json(['start', '--beads', 'bd-reg1', '--provider', 'cc-glm', '--prompt-file', sb.prompt, '--json'])
    expect(s.code, s.stderr).to.equal(0)
    expect(json(['status', '--json']).doc.jobs.map((j) => j.beads)).to.deep.equal(['bd-reg1'])
    await waitFor(() => json(['check', '--beads', 'bd-reg1', '--json']).doc.state === 'exited_ok', {what: 'bd-reg1 exited_ok', timeoutMs: 90_000})
    const r = json(['report', '--beads', 'bd-reg1'])
    expect(r.doc).to.include({state: 'exited_ok', selected_model: 'glm-5', exit_code: '0'})
    expect(r.doc.mutations).to.be.at.least(1)
  })

  it('plugins install dx-runner-provider-exec from the registry → listed, runs a job to exited_ok; uninstall removes it', async () => {
    const inst = run(['plugins', 'install', 'dx-runner-provider-exec'])
    expect(inst.code, inst.stderr).to.equal(0)
    const listed = json(['providers', '--json']).doc.providers.find((x) => x.name === 'exec')
    expect(listed).to.include({package: 'dx-runner-provider-exec', version: '0.1.0'})
    writeFileSync(join(sb.base, 'job.sh'), 'echo scripted > exec-output.txt\n')
    const s = json(['start', '--beads', 'bd-exec', '--provider', 'exec', '--prompt-file', join(sb.base, 'job.sh'), '--json'])
    expect(s.code, s.stderr).to.equal(0)
    const c = await waitFor(() => {
      const x = json(['check', '--beads', 'bd-exec', '--json'])
      return x.doc.state.startsWith('exited') ? x : undefined
    }, {what: 'bd-exec to finish'})
    expect(c.doc).to.include({state: 'exited_ok', reason_code: 'outcome_exit_0'})
    expect(existsSync(join(sb.worktree, 'exec-output.txt'))).to.equal(true)
    expect(run(['plugins', 'uninstall', 'dx-runner-provider-exec']).code).to.equal(0)
    expect(json(['providers', '--json']).doc.providers.map((x) => x.name)).to.deep.equal(['cc-glm', 'claude-code', 'gemini', 'opencode'])
    const gone = run(['start', '--beads', 'bd-exec2', '--provider', 'exec', '--prompt-file', join(sb.base, 'job.sh')])
    expect(gone.code).to.equal(20)
  })

  it('a provider built for specificationVersion v2 is listed as incompatible by name and breaks nothing else', async () => {
    expect(run(['plugins', 'install', 'dx-runner-provider-future']).code).to.equal(0)
    const p = json(['providers', '--json'])
    expect(p.code).to.equal(0)
    expect(p.doc.providers.map((x) => x.name)).to.deep.equal(['cc-glm', 'claude-code', 'gemini', 'opencode'])
    expect(p.doc.incompatible).to.have.length(1)
    expect(p.doc.incompatible[0]).to.include({name: 'future', package: 'dx-runner-provider-future'})
    expect(p.doc.incompatible[0].reason).to.include('"v2"')
    const human = run(['providers'])
    expect(human.stdout).to.include('dx-runner-provider-future').and.include('incompatible')
    const use = run(['start', '--beads', 'bd-fut', '--provider', 'future', '--prompt-file', sb.prompt])
    expect(use.code).to.equal(20)
    expect(use.stderr).to.include('incompatible')
    // everything else still works, with and without oclif's start-up
    expect(json(['status', '--json']).doc.jobs.map((j) => j.beads)).to.include('bd-reg1')
    expect(json(['status', '--json'], {DX_RUNNER_NO_FAST_PATH: '1'}).doc.jobs.map((j) => j.beads)).to.include('bd-reg1')
    await sleep(0)
  })
})
