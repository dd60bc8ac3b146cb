import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {jobFile, NODE_BIN, providerJobs, startSimulatorProcess, TOKEN} from './helpers.js'

/** `opencode debug config --pure` as opencode itself resolves it; its stderr in the failure when it fails. */
function debugConfig(cwd, env) {
  try {
    return JSON.parse(execFileSync(join(NODE_BIN, 'opencode'), ['debug', 'config', '--pure'], {cwd, env, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe']}))
  } catch (error) {
    throw new Error(`opencode debug config failed (${error.signal ?? `exit ${error.status}`}): ${String(error.stderr ?? '').slice(-2000)}`)
  }
}

/** A local MCP server stand-in: it records that opencode started it, then exits (opencode carries on without its tools). */
function markerServer(sb, name) {
  const bin = join(sb.base, 'bin')
  mkdirSync(bin, {recursive: true})
  const marker = join(sb.base, `${name}.started`)
  writeFileSync(join(bin, name), `#!/bin/sh\necho started > ${marker}\nexit 0\n`, {mode: 0o755})
  return {path: join(bin, name), marker}
}

/** The user's own opencode setup in the caller's HOME: an MCP server, an instruction file, an agent, and a try at opening external directories. */
function userSetup(sb) {
  const ctx = markerServer(sb, 'ctx-mcp')
  mkdirSync(join(sb.home, 'rules'), {recursive: true})
  writeFileSync(join(sb.home, 'rules/house-rules.md'), 'Always answer politely.\n')
  mkdirSync(join(sb.home, '.config/opencode'), {recursive: true})
  writeFileSync(join(sb.home, '.config/opencode/AGENTS.md'), 'Global rules of the user.\n')
  writeFileSync(
    join(sb.home, '.config/opencode/opencode.jsonc'),
    `{
  // the user's global opencode config: JSONC, comments and trailing commas
  "mcp": {"ctx": {"type": "local", "command": ["${ctx.path}"]}},
  "instructions": ["~/rules/house-rules.md"],
  "agent": {"reviewer": {"description": "reviews diffs", "prompt": "review", "permission": {"external_directory": "allow"}}},
  "permission": {"external_directory": "allow", "bash": {"rm *": "deny"}},
}
`,
  )
  return ctx
}

describe('opencode keeps the user\'s own opencode setup (real opencode CLI, loopback simulator)', function () {
  let sim, outsideDir
  const {make, start, finished, cleanup} = providerJobs('opencode', (scenario) => ({ZAI_API_KEY: TOKEN, OPENCODE_ZAI_BASE_URL: `${sim.url}/s/${scenario}/v1`}))

  before(async () => {
    outsideDir = mkdtempSync(join(tmpdir(), 'dxr-outside-'))
    sim = await startSimulatorProcess({DXR_SIM_TOKEN: TOKEN}, ['--expected-token-env', 'DXR_SIM_TOKEN', '--outside-file', join(outsideDir, 'escaped.txt')])
  })
  afterEach(cleanup)
  after(async () => {
    await sim?.stop()
    rmSync(outsideDir, {recursive: true, force: true})
  })

  it('a user\'s MCP server, instruction file and agent reach the job\'s effective config (the generated file and opencode\'s own `debug config`); dx-runner\'s permission rules still win', async () => {
    const sb = make('occfg-view', 'hang')
    const ctx = userSetup(sb)
    // the worktree's own config also tries to open external directories
    writeFileSync(join(sb.worktree, 'opencode.json'), '{"permission": {"external_directory": "allow"}, "instructions": ["PROJECT-RULES.md"]}\n')
    const s = start(sb, 'bd-ocv')
    expect(s.code, s.stderr).to.equal(0)
    const file = JSON.parse(readFileSync(jobFile(sb, 'opencode', 'bd-ocv', 'tmp/opencode.json'), 'utf8'))
    expect(file.mcp.ctx).to.deep.equal({type: 'local', command: [ctx.path]})
    expect(file.instructions).to.include(join(sb.home, 'rules/house-rules.md')).and.include('PROJECT-RULES.md').and.include(join(sb.home, '.config/opencode/AGENTS.md'))
    expect(file.agent.reviewer).to.include({description: 'reviews diffs'})
    expect(file.permission).to.include({external_directory: 'deny', bash: 'allow'})
    expect(file.agent.reviewer.permission.external_directory).to.equal('deny')
    expect(file.model).to.equal('zhipuai-coding-plan/glm-5')
    expect(JSON.stringify(file)).to.not.include(TOKEN)
    // opencode's own view, asked with the running agent's environment (its key left out)
    const environ = readFileSync(`/proc/${s.doc.pid}/environ`, 'utf8').split('\0').filter(Boolean)
    const env = Object.fromEntries(environ.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]).filter(([k]) => k !== 'ZAI_API_KEY'))
    // its own data, state and cache directories: the live agent is still initialising its own in the job's (seen racing it under load)
    const own = join(sb.base, 'debug-config-data')
    const view = debugConfig(sb.worktree, {...env, XDG_DATA_HOME: join(own, 'data'), XDG_STATE_HOME: join(own, 'state'), XDG_CACHE_HOME: join(own, 'cache')})
    expect(view.mcp.ctx).to.deep.equal({type: 'local', command: [ctx.path]})
    expect(view.instructions).to.include(join(sb.home, 'rules/house-rules.md')).and.include('PROJECT-RULES.md').and.include(join(sb.home, '.config/opencode/AGENTS.md'))
    expect(view.permission.external_directory).to.equal('deny')
    expect(view.agent.reviewer.permission.external_directory).to.equal('deny')
    expect(view.model).to.equal('zhipuai-coding-plan/glm-5')
    expect(sb.run(['stop', '--beads', 'bd-ocv', '--grace', '3']).code).to.equal(0)
  })

  it('with the user\'s config present the job runs to exited_ok, and opencode starts the user\'s MCP server and beads-mcp', async () => {
    const sb = make('occfg-ok', 'write-file')
    const ctx = userSetup(sb)
    const beads = markerServer(sb, 'beads-mcp')
    sb.env.PATH = `${join(sb.base, 'bin')}:${sb.env.PATH}`
    const s = start(sb, 'bd-ocok')
    expect(s.code, s.stderr).to.equal(0)
    const c = await finished(sb, 'bd-ocok')
    expect(c.doc).to.include({state: 'exited_ok', reason_code: 'outcome_exit_0'})
    expect(existsSync(join(sb.worktree, 'sim-output.txt'))).to.equal(true)
    const file = JSON.parse(readFileSync(jobFile(sb, 'opencode', 'bd-ocok', 'tmp/opencode.json'), 'utf8'))
    expect(file.mcp.beads).to.deep.equal({type: 'local', command: [beads.path], enabled: true})
    // opencode connects its MCP servers before the session's first step
    expect(existsSync(ctx.marker), 'the user\'s MCP server was started').to.equal(true)
    expect(existsSync(beads.marker), 'beads-mcp was started').to.equal(true)
  })

  it('a broken user config (global and the worktree\'s): a warning naming it at preflight and start, and the job runs on dx-runner\'s config alone', async () => {
    const sb = make('occfg-broken', 'write-file')
    mkdirSync(join(sb.home, '.config/opencode'), {recursive: true})
    const globalFile = join(sb.home, '.config/opencode/opencode.json')
    writeFileSync(globalFile, '{"mcp": {"ctx": {,,\n')
    writeFileSync(join(sb.worktree, 'opencode.json'), '{"permission": \n')
    const pf = sb.json(['preflight', '--provider', 'opencode', '--json'])
    expect(pf.code, pf.stderr).to.equal(0)
    const warned = pf.doc.providers[0].checks.filter((c) => c.name === 'opencode user config')
    expect(warned.map((c) => c.status)).to.deep.equal(['warn', 'warn'])
    expect(warned[0].detail).to.include(globalFile)
    const s = start(sb, 'bd-ocbr')
    expect(s.code, s.stderr).to.equal(0)
    expect(s.stderr).to.include(globalFile).and.include(join(sb.worktree, 'opencode.json')).and.include("dx-runner's config alone")
    const c = await finished(sb, 'bd-ocbr')
    expect(c.doc).to.include({state: 'exited_ok', reason_code: 'outcome_exit_0'})
    const file = JSON.parse(readFileSync(jobFile(sb, 'opencode', 'bd-ocbr', 'tmp/opencode.json'), 'utf8'))
    expect(file.mcp).to.equal(undefined)
    expect(file.permission.external_directory).to.equal('deny')
  })

  it('a worktree config that allows external directories does not let the agent write outside its worktree', async () => {
    const sb = make('occfg-outside', 'write-outside')
    writeFileSync(join(sb.worktree, 'opencode.json'), '{"permission": {"external_directory": "allow"}}\n')
    const s = start(sb, 'bd-ocout')
    expect(s.code, s.stderr).to.equal(0)
    await finished(sb, 'bd-ocout')
    const log = readFileSync(jobFile(sb, 'opencode', 'bd-ocout', 'log'), 'utf8')
    expect(log).to.include(join(outsideDir, 'escaped.txt')) // it did try
    expect(existsSync(join(outsideDir, 'escaped.txt'))).to.equal(false)
  })

  it('nor does an agent the worktree defines in .opencode/agent/ with external directories allowed, made the default agent', async () => {
    const sb = make('occfg-agent', 'write-outside')
    mkdirSync(join(sb.worktree, '.opencode/agent'), {recursive: true})
    writeFileSync(join(sb.worktree, '.opencode/agent/roamer.md'), '---\ndescription: goes anywhere\npermission:\n  external_directory: allow\n---\nDo what you are asked.\n')
    writeFileSync(join(sb.worktree, 'opencode.json'), '{"default_agent": "roamer"}\n')
    const s = start(sb, 'bd-ocag')
    expect(s.code, s.stderr).to.equal(0)
    await finished(sb, 'bd-ocag')
    const log = readFileSync(jobFile(sb, 'opencode', 'bd-ocag', 'log'), 'utf8')
    expect(log).to.include(join(outsideDir, 'escaped.txt')) // it did try
    expect(existsSync(join(outsideDir, 'escaped.txt'))).to.equal(false)
  })

  it('a worktree config that redefines dx-runner\'s provider (another endpoint for the key) is ignored, with a warning; its other settings still reach the job', async () => {
    const sb = make('occfg-prov', 'write-file')
    // the endpoint the worktree names would refuse the key: the job must not go there
    writeFileSync(join(sb.worktree, 'opencode.json'), JSON.stringify({provider: {'zhipuai-coding-plan': {options: {baseURL: `${sim.url}/s/401/v1`}}}, instructions: ['PROJECT-RULES.md']}))
    const s = start(sb, 'bd-ocpv')
    expect(s.code, s.stderr).to.equal(0)
    expect(s.stderr).to.include(join(sb.worktree, 'opencode.json')).and.include('redefines')
    const c = await finished(sb, 'bd-ocpv')
    expect(c.doc).to.include({state: 'exited_ok', reason_code: 'outcome_exit_0'})
    const file = JSON.parse(readFileSync(jobFile(sb, 'opencode', 'bd-ocpv', 'tmp/opencode.json'), 'utf8'))
    expect(file.provider['zhipuai-coding-plan'].options.baseURL).to.equal(`${sim.url}/s/write-file/v1`)
    expect(file.instructions).to.include('PROJECT-RULES.md')
  })
})
