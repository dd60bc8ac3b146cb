import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {validateDocument} from '@dx-runner/core'
import {BIN, CLAUDE_OK, REPO, fakeAgent, jobFile, sandbox, waitFor} from './helpers.js'

// The conventions pm2, gh and kubectl users expect (issue 17, "Fix" 1-5), on the built CLI.
// Every invocation that has a fast path (status, check, start) is also run with DX_RUNNER_NO_FAST_PATH=1:
// the two must print and exit the same.
const OCLIF = {DX_RUNNER_NO_FAST_PATH: '1'}
const ours = readdirSync(join(REPO, 'packages/cli/src/commands'), {recursive: true})
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3).replace(/\/index$/, '').split('/').join(' '))

/** A job started with the fake claude that ends at once (exit 0), its health settled. */
function endedJob(sb, id) {
  const r = sb.startScript(id, CLAUDE_OK)
  expect(r.code, r.stderr).to.equal(0)
  return waitFor(() => sb.run(['check', '--beads', id]).stdout.includes('exited_ok'), {what: `${id} to end`})
}

describe('conventions — ids, help, suggestions and aliases', () => {
  let sb
  before(async () => {
    sb = fakeAgent(sandbox('conv'))
    await endedJob(sb, 'bd-pos')
  })
  after(async () => sb.cleanup())

  it('check, logs, report, stop and restart take the job id as their argument, like --beads', async () => {
    for (const env of [{}, OCLIF]) {
      const a = sb.run(['check', 'bd-pos', '--json'], {env})
      expect(a.code, a.stderr).to.equal(0)
      expect(JSON.parse(a.stdout).beads).to.equal('bd-pos')
    }
    const logs = sb.run(['logs', 'bd-pos'])
    expect(logs.code, logs.stderr).to.equal(0)
    expect(logs.stdout).to.equal(sb.run(['logs', '--beads', 'bd-pos']).stdout).and.include('"result":"done"')
    const pick = ({beads, provider, state, reason_code, exit_code}) => ({beads, provider, state, reason_code, exit_code})
    const report = sb.json(['report', 'bd-pos', '--format', 'json'])
    expect(report.code, report.stderr).to.equal(0)
    expect(pick(report.doc)).to.deep.equal(pick(sb.json(['report', '--beads', 'bd-pos', '--format', 'json']).doc))
    expect(report.doc.beads).to.equal('bd-pos')
    const stop = sb.run(['stop', 'bd-pos', '--json'])
    expect(stop.code, stop.stderr).to.equal(0)
    expect(JSON.parse(stop.stdout).stopped).to.equal(false)
    const restart = sb.run(['restart', 'bd-pos', '--json'])
    expect(restart.code, restart.stderr).to.equal(0)
    expect(JSON.parse(restart.stdout).retry_count).to.equal(1)
    await waitFor(() => sb.run(['check', 'bd-pos']).stdout.includes('exited_ok'), {what: 'the restarted job to end'})
  })

  it('start takes the id as its argument too, on the fast path and through oclif', () => {
    for (const [id, env] of [['bd-arg1', {}], ['bd-arg2', OCLIF]]) {
      const file = join(sb.base, `${id}.sh`)
      writeFileSync(file, CLAUDE_OK)
      const r = sb.run(['start', id, '--provider', 'cc-glm', '--prompt-file', file, '--json'], {env})
      expect(r.code, r.stderr).to.equal(0)
      expect(JSON.parse(r.stdout).beads).to.equal(id)
    }
  })

  it('wait takes the ids as its arguments: wait a b = wait --beads a,b', () => {
    const r = sb.json(['wait', 'bd-arg1', 'bd-arg2', '--timeout', '60s', '--json'])
    expect(r.code, r.stderr).to.equal(0)
    expect(r.doc.jobs.map((j) => [j.beads, j.state])).to.deep.equal([['bd-arg1', 'exited_ok'], ['bd-arg2', 'exited_ok']])
  })

  it('an id given both ways that differs is one line and exit 1, the same on both paths', () => {
    const outs = [{}, OCLIF].map((env) => sb.run(['check', 'bd-pos', '--beads', 'bd-other'], {env}))
    for (const r of outs) {
      expect(r.code).to.equal(1)
      expect(r.stdout).to.equal('')
      expect(r.stderr.trim().split('\n')).to.have.length(1)
      expect(r.stderr).to.include('bd-pos').and.include('bd-other')
    }
    expect(outs[0].stderr).to.equal(outs[1].stderr)
  })

  it('the fast path and oclif print the same and exit the same, for good and bad invocations of status, check and start', () => {
    const p = sb.prompt
    const table = [
      [['status'], 0], [['status', '--json'], 0], [['ls', '--json'], 0], [['status', 'bd-pos'], 0], [['status', 'bd-none', '--json'], 0],
      [['status', '--provider', 'nope'], 20], [['status', '--provider', 'nope', '--json'], 20], [['status', '--bogus'], 1], [['status', 'a', 'b'], 1],
      [['check', 'bd-pos'], 0], [['check', '--beads', 'bd-pos', '--json'], 0], [['check', 'bd-none'], 3], [['check'], 1], [['check', '--json'], 1],
      [['check', 'bd-pos', '--beads', 'bd-none'], 1], [['check', 'bd-pos', 'x'], 1], [['check', 'bad id!'], 1],
      [['start', '--beads', 'bd-f1'], 1], [['start', 'bd-f1', '--json'], 1], [['start', 'bd-f1', '--beads', 'bd-f2', '--prompt-file', p], 1],
      [['start', 'bd-f1', '--provider', 'nope', '--prompt-file', p], 20], [['start', 'bd-f1', '--provider', 'nope', '--prompt-file', p, '--json'], 20],
      [['start', 'bad id!', '--provider', 'cc-glm', '--prompt-file', p], 1],
    ]
    const same = (t) => t.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>').replace(/\b\d+(m|s|h)\b/g, '<age>')
    for (const [args, code] of table) {
      const fast = sb.run(args)
      const oclif = sb.run(args, {env: OCLIF})
      const what = args.join(' ')
      expect(fast.code, `${what}: ${fast.stderr}`).to.equal(code)
      expect(oclif.code, `${what} (oclif): ${oclif.stderr}`).to.equal(code)
      expect(same(fast.stdout), what).to.equal(same(oclif.stdout))
      expect(fast.stderr, what).to.equal(oclif.stderr)
    }
  })

  it('-h shows the help of every command', () => {
    expect(ours.length).to.be.at.least(15)
    for (const id of ours) {
      const r = sb.run([...id.split(' '), '-h'])
      expect(r.code, `${id}: ${r.stderr}`).to.equal(0)
      expect(r.stdout, id).to.match(/^USAGE$/m).and.include(`$ dx-runner ${id}`)
    }
  })

  it('a mistyped command names the nearest one, in one line, exit 1, without prompting', () => {
    for (const [typed, near] of [['statuss', 'status'], ['chek', 'check'], ['profiles shw', 'profiles show']]) {
      const r = sb.run([...typed.split(' '), 'bd-pos'])
      expect(r.code, typed).to.equal(1)
      expect(r.stderr.trim().split('\n'), typed).to.have.length(1)
      expect(r.stderr, typed).to.include(`did you mean '${near}'?`)
    }
  })

  it('ls, ps and list are status', () => {
    const status = sb.json(['status', '--json']).doc.jobs.map((j) => j.beads).sort()
    expect(status).to.include('bd-pos')
    for (const alias of ['ls', 'ps', 'list']) {
      for (const env of [{}, OCLIF]) {
        const r = sb.json([alias, '--json'], {env})
        expect(r.code, r.stderr).to.equal(0)
        expect(r.doc.jobs.map((j) => j.beads).sort(), alias).to.deep.equal(status)
      }
    }
    // --host sends an alias away as status, never runs it here instead
    const remote = sb.run(['ls', '--host', 'nohost'])
    expect(remote.code).to.equal(1)
    expect(remote.stderr).to.include('unknown host "nohost"')
  })
})

describe('conventions — --json everywhere, errors included', () => {
  let sb
  before(async () => {
    sb = fakeAgent(sandbox('convjson'))
    await endedJob(sb, 'bd-json')
  })
  after(async () => sb.cleanup())

  it('report --json is report --format json', () => {
    const a = sb.json(['report', 'bd-json', '--json'])
    const b = sb.json(['report', 'bd-json', '--format', 'json'])
    expect(a.code, a.stderr).to.equal(0)
    expect(a.doc.beads).to.equal('bd-json')
    expect(Object.keys(a.doc)).to.deep.equal(Object.keys(b.doc))
  })

  it('logs --json prints the log as JSON Lines of {beads, line}', async () => {
    const raw = sb.run(['logs', 'bd-json']).stdout.split('\n').slice(0, -1)
    const r = sb.run(['logs', 'bd-json', '--json'])
    expect(r.code, r.stderr).to.equal(0)
    const docs = r.stdout.split('\n').slice(0, -1).map((l) => JSON.parse(l))
    expect(docs.length).to.be.at.least(1)
    for (const d of docs) expect(await validateDocument('log-line', d)).to.deep.equal([])
    expect(docs.map((d) => d.line)).to.deep.equal(raw)
    expect(docs.every((d) => d.beads === 'bd-json')).to.equal(true)
  })

  it('a failure under --json is one error document on stdout, valid against the error schema, besides the stderr line', async () => {
    const prompt = sb.prompt
    const noClaude = {PATH: `${dirname(process.execPath)}:/usr/bin:/bin`}
    const cases = [
      {args: ['check', '--bogus', '--json'], code: 1},
      {args: ['status', '--bogus', '--json'], code: 1},
      {args: ['start', '--beads', 'bd-1', '--json'], code: 1},
      {args: ['logs', 'bd-none', '--json'], code: 3},
      {args: ['report', 'bd-none', '--json'], code: 3},
      {args: ['stop', 'bd-none', '--json'], code: 3},
      {args: ['status', '--provider', 'nope', '--json'], code: 20},
      {args: ['start', 'bd-2', '--provider', 'nope', '--prompt-file', prompt, '--json'], code: 20},
      {args: ['start', 'bd-3', '--provider', 'cc-glm', '--prompt-file', prompt, '--json'], code: 21, env: noClaude},
      {args: ['statuss', '--json'], code: 1},
    ]
    for (const c of cases) {
      for (const env of c.args[0] === 'status' || c.args[0] === 'start' ? [{}, OCLIF] : [{}]) {
        const what = `${c.args.join(' ')} ${JSON.stringify(env)}`
        const r = sb.run(c.args, {env: {...c.env, ...env}})
        expect(r.code, `${what}: ${r.stderr}`).to.equal(c.code)
        let doc
        expect(() => (doc = JSON.parse(r.stdout)), `${what}: ${r.stdout}`).not.to.throw()
        expect(await validateDocument('error', doc), what).to.deep.equal([])
        expect(doc.error.exit_code, what).to.equal(c.code)
        expect(r.stderr.trim().split('\n'), what).to.have.length(1)
        expect(r.stderr.trim(), what).to.equal(`dx-runner: ${doc.error.message}`)
      }
    }
  })
})

describe('conventions — clean errors, broken config, unknown providers, --verbose', () => {
  let sb
  before(() => {
    sb = fakeAgent(sandbox('convmisc'))
  })
  after(async () => sb.cleanup())

  it('start without --prompt-file is one plain line, on a terminal too', () => {
    // script(1) gives the CLI a pseudo-terminal: oclif colours its errors there
    const env = {...sb.env, ...OCLIF, TERM: 'xterm-256color', FORCE_COLOR: '1'}
    const r = spawnSync('script', ['-qec', `${process.execPath} ${BIN} start --beads bd-1`, '/dev/null'], {cwd: sb.worktree, env, encoding: 'utf8'})
    expect(r.status).to.equal(1)
    const out = r.stdout.replace(/\r/g, '').trim()
    expect(out).to.equal('dx-runner: Missing required flag prompt-file')
    expect(out).not.to.match(/\u001b/)
  })

  it('a broken config file does not block help, --version or providers: one warning, then the answer', () => {
    const config = join(sb.base, 'broken.json')
    writeFileSync(config, '{"artifact_root": ')
    const env = {DX_RUNNER_CONFIG: config}
    for (const args of [['--help'], ['help'], ['-h'], ['status', '-h'], ['help', 'start'], ['--version'], ['providers'], ['providers', '--json'], []]) {
      const r = sb.run(args, {env})
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(0)
      expect(r.stdout, args.join(' ')).not.to.equal('')
      const warnings = r.stderr.split('\n').filter((l) => l.includes(config))
      expect(warnings.length, `${args.join(' ')}: ${r.stderr}`).to.be.at.most(1)
      if (args[0] !== '--version') expect(warnings[0], args.join(' ')).to.include('warning').and.include('not valid JSON')
    }
    // a command that needs the config still refuses, naming the file
    for (const e of [{}, OCLIF]) {
      const r = sb.run(['status'], {env: {...env, ...e}})
      expect(r.code).to.equal(1)
      expect(r.stderr).to.include(config).and.include('not valid JSON').and.not.include('warning')
    }
    // and names the key when the JSON is valid but a value is not
    writeFileSync(config, '{"thresholds": {"stall_minutes": "soon"}}')
    const bad = sb.run(['check', 'bd-1'], {env})
    expect(bad.code).to.equal(1)
    expect(bad.stderr).to.include(config).and.include('stall_minutes')
  })

  it('status --provider exits 20 for a provider neither installed nor with jobs in the root, like start', async () => {
    for (const env of [{}, OCLIF]) {
      const r = sb.run(['status', '--provider', 'nope'], {env})
      expect(r.code).to.equal(20)
      expect(r.stderr).to.include("provider 'nope' not found")
      const ok = sb.run(['status', '--provider', 'gemini'], {env})
      expect(ok.code, ok.stderr).to.equal(0)
    }
    // a job whose provider is not installed (any more) is still listed under its name
    const r = sb.startScript('bd-gone', CLAUDE_OK)
    expect(r.code, r.stderr).to.equal(0)
    await waitFor(() => sb.run(['check', 'bd-gone']).stdout.includes('exited_ok'), {what: 'bd-gone to end'})
    const from = dirname(jobFile(sb, 'cc-glm', 'bd-gone', 'meta'))
    const to = dirname(jobFile(sb, 'uninstalled', 'bd-gone', 'meta'))
    mkdirSync(dirname(to), {recursive: true})
    renameSync(from, to)
    const meta = jobFile(sb, 'uninstalled', 'bd-gone', 'meta')
    writeFileSync(meta, readFileSync(meta, 'utf8').replace('"provider":"cc-glm"', '"provider":"uninstalled"').replace('"provider": "cc-glm"', '"provider": "uninstalled"'))
    for (const env of [{}, OCLIF]) {
      const listed = sb.json(['status', '--provider', 'uninstalled', '--json'], {env})
      expect(listed.code, listed.stderr).to.equal(0)
      expect(listed.doc.jobs.map((j) => j.beads)).to.deep.equal(['bd-gone'])
    }
  })

  it('--verbose adds diagnostics on stderr to every command, leaving stdout as it was', () => {
    for (const args of [['status'], ['providers'], ['check', 'bd-none'], ['hosts'], ['profiles'], ['prune', '--json'], ['preflight', '--provider', 'gemini']]) {
      const plain = sb.run(args)
      const verbose = sb.run([...args, '--verbose'])
      expect(verbose.code, args.join(' ')).to.equal(plain.code)
      expect(verbose.stderr, args.join(' ')).to.match(/debug: .*artifact root/).and.match(/done in \d+ ms, exit \d+/)
      if (args[0] !== 'prune' && args[0] !== 'preflight') expect(verbose.stdout, args.join(' ')).to.equal(plain.stdout)
    }
  })
})

describe('conventions — long operations say what they do on a terminal', () => {
  let sb
  before(() => {
    sb = fakeAgent(sandbox('convtty'))
  })
  after(async () => sb.cleanup())

  /** The CLI under script(1): a pseudo-terminal for stdin, stdout and stderr; returns everything it wrote. */
  function onTerminal(args) {
    const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ')
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], {cwd: sb.worktree, env: {...sb.env, TERM: 'xterm-256color'}, encoding: 'utf8', timeout: 120_000})
    return {code: r.status, out: r.stdout}
  }

  it('preflight, probe and start show a spinner naming the step on a terminal, and nothing on stderr when piped', () => {
    const file = join(sb.base, 'ok.sh')
    writeFileSync(file, CLAUDE_OK)
    const cases = [
      {args: ['preflight', '--provider', 'cc-glm'], label: 'preflight cc-glm'},
      {args: ['probe', '--provider', 'cc-glm', '--timeout', '10'], label: 'probe cc-glm'},
      {args: ['start', 'bd-tty', '--provider', 'cc-glm', '--prompt-file', file], label: 'preflight cc-glm', piped: ['start', 'bd-tty2', '--provider', 'cc-glm', '--prompt-file', file]},
    ]
    for (const c of cases) {
      const tty = onTerminal(c.args)
      expect(tty.out, c.args.join(' ')).to.include(c.label)
      const piped = sb.run(c.piped ?? c.args)
      expect(piped.code, c.args.join(' ')).to.equal(tty.code)
      expect(piped.stderr, c.args.join(' ')).not.to.include(c.label).and.not.include('\r')
    }
  })
})
