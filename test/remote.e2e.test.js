// Dispatch to other machines over SSH: the system ssh client against an ssh server started here on
// 127.0.0.1 (a free port, throwaway keys), and on the "remote" side the same dx-runner with the real
// claude CLI against the loopback simulator. The whole suite runs against an ssh2 server (test/ssh-server.js,
// nothing to install), and again against a real sshd when /usr/sbin/sshd is present (.ci/run installs it).
// The remote side's environment comes from the server (sshd's SetEnv, and the authorized_keys
// environment= option that picks the simulator scenario per client key).
import {expect} from 'chai'
import {validateDocument} from '@dx-runner/core'
import {execFileSync, spawn} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir, userInfo} from 'node:os'
import {dirname, join} from 'node:path'
import {BIN, cmdlinesWith, freePort, groupAlive, jobFile, NODE_BIN, sandbox, stopGroup, startSimulatorProcess, TOKEN, waitFor, walk} from './helpers.js'
import {generateKey, startSshServer} from './ssh-server.js'

const SSHD = '/usr/sbin/sshd'

/**
 * A real sshd on a free loopback port: `authorizedKeys` [{publicKey, env}] become authorized_keys
 * lines with environment=, `env` becomes SetEnv. Resolves to {port, stop()}.
 */
async function startOpenSshd({dir, hostKeyFile, authorizedKeys, env}) {
  const port = await freePort()
  writeFileSync(join(dir, 'authorized_keys'), authorizedKeys.map((k) => `${Object.entries(k.env).map(([n, v]) => `environment="${n}=${v}" `).join('')}${k.publicKey}\n`).join(''), {mode: 0o600})
  writeFileSync(join(dir, 'sshd_config'), [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKeyFile}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'PermitRootLogin prohibit-password',
    `PermitUserEnvironment ${[...new Set(authorizedKeys.flatMap((k) => Object.keys(k.env)))].join(',')}`,
    `SetEnv ${Object.entries(env).map(([n, v]) => `${n}=${v}`).join(' ')}`,
    'LogLevel ERROR',
    '',
  ].join('\n'))
  mkdirSync('/run/sshd', {recursive: true}) // sshd's privilege-separation directory
  const sshd = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], {stdio: ['ignore', 'ignore', 'inherit'], detached: true})
  return {port, stop: () => stopGroup(sshd.pid, 'sshd')}
}

const SERVERS = {
  ssh2: {title: 'an ssh2 server', start: startSshServer},
  ...(existsSync(SSHD) ? {openssh: {title: 'a real sshd', start: startOpenSshd}} : {}),
}

for (const [kind, server] of Object.entries(SERVERS)) describe(`remote dispatch over ssh (${server.title} on loopback)`, function () {
  this.timeout(300_000)
  // two hosts, two remote artifact roots (one watchdog per root: hosts sharing a root would contend for its lock)
  let dir, ssh, sim, sb, remoteRoot, hangRoot, config
  const PROMPT_MARKER = `remote-prompt-marker-${process.pid}-${kind}-5c1e`

  /** The supervisors the "remote" side started, from its artifact root. */
  const remoteGroups = () => {
    const out = []
    for (const f of [...walk(remoteRoot), ...walk(hangRoot)]) if (f.endsWith('/monitor.pid')) out.push(Number(readFileSync(f, 'latin1').split(' ')[0]))
    return out.filter((p) => p > 0)
  }
  const run = (args, opts = {}) => sb.run(args, {...opts, env: {DX_RUNNER_CONFIG: config, ...opts.env}})
  const json = (args, opts = {}) => sb.json(args, {...opts, env: {DX_RUNNER_CONFIG: config, ...opts.env}})

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), `dxr-ssh-${kind}-`))
    const keys = {}
    for (const name of ['host_key', 'client_key', 'client_key_hang']) {
      keys[name] = generateKey(name)
      writeFileSync(join(dir, name), keys[name].private, {mode: 0o600})
    }
    sim = await startSimulatorProcess({DXR_SIM_TOKEN: TOKEN}, ['--expected-token-env', 'DXR_SIM_TOKEN'])

    // the remote user's world: its own HOME, TMPDIR, config dir, a token file, an artifact root
    const remote = join(dir, 'remote')
    remoteRoot = join(remote, 'dx-home')
    hangRoot = join(remote, 'dx-home-hang')
    for (const d of ['home', 'tmp', 'xdg']) mkdirSync(join(remote, d), {recursive: true})
    writeFileSync(join(remote, 'token'), `${TOKEN}\n`, {mode: 0o600})

    ssh = await server.start({
      dir,
      hostKey: keys.host_key.private,
      hostKeyFile: join(dir, 'host_key'),
      // the simulator scenario is chosen by the client key
      authorizedKeys: [
        {publicKey: keys.client_key.public, env: {CC_GLM_BASE_URL: `${sim.url}/s/write-file`}},
        {publicKey: keys.client_key_hang.public, env: {CC_GLM_BASE_URL: `${sim.url}/s/hang`}},
      ],
      env: {PATH: `${NODE_BIN}:${dirname(process.execPath)}:/usr/bin:/bin`, HOME: join(remote, 'home'), TMPDIR: join(remote, 'tmp'), XDG_CONFIG_HOME: join(remote, 'xdg'), CC_GLM_TOKEN_FILE: join(remote, 'token'), LANG: 'C.UTF-8'},
    })
    const {port} = ssh
    const closedPort = await freePort()
    writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${keys.host_key.public.split(' ').slice(0, 2).join(' ')}\n`)
    const hostBlock = (alias, key, p) => [
      `Host ${alias}`,
      '  HostName 127.0.0.1',
      `  Port ${p}`,
      `  User ${userInfo().username}`,
      `  IdentityFile ${join(dir, key)}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
    ].join('\n')
    writeFileSync(join(dir, 'ssh_config'), [hostBlock('local-ssh', 'client_key', port), hostBlock('local-ssh-hang', 'client_key_hang', port), hostBlock('refused', 'client_key', closedPort), ''].join('\n'))
    const host = (alias, home = remoteRoot) => ({ssh: alias, ssh_config: join(dir, 'ssh_config'), dx_runner: BIN, dx_runner_home: home, connect_timeout_seconds: 5})
    config = join(dir, 'config.json')
    writeFileSync(config, JSON.stringify({hosts: {'local-ssh': host('local-ssh'), 'local-ssh-hang': host('local-ssh-hang', hangRoot), refused: host('refused')}}, null, 2))
    await waitFor(() => {
      try {
        execFileSync('ssh', ['-F', join(dir, 'ssh_config'), '-o', 'BatchMode=yes', 'local-ssh', 'true'], {stdio: 'ignore', timeout: 10_000})
        return true
      } catch {
        return false
      }
    }, {what: `the ${kind} server to accept the test key`, timeoutMs: 30_000})
    sb = sandbox('remote')
    writeFileSync(sb.prompt, `Create a file named sim-output.txt in the current directory. ${PROMPT_MARKER}\n`)
    Object.assign(sb.env, {CC_GLM_AUTH_TOKEN: TOKEN, CC_GLM_BASE_URL: `${sim.url}/s/hang`})
  })

  after(async () => {
    for (const g of dir ? remoteGroups() : []) {
      try {
        process.kill(-g, 'SIGKILL')
      } catch {}
    }
    await sb?.cleanup()
    await sim?.stop()
    await ssh?.stop()
    if (dir) {
      for (const f of [...walk(remoteRoot), ...walk(hangRoot)]) expect(readFileSync(f).includes(TOKEN), `token in ${f}`).to.equal(false)
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('hosts --json: the ssh host is reachable with its dx-runner version; a refused port is host_unreachable', async () => {
    const r = json(['hosts', '--json'])
    expect(r.code, r.stderr).to.equal(0)
    expect(await validateDocument('hosts', r.doc)).to.deep.equal([])
    const by = Object.fromEntries(r.doc.hosts.map((h) => [h.name, h]))
    expect(by['local-ssh']).to.include({reachable: true, version: '0.1.0', reason_code: null})
    expect(by.refused).to.include({reachable: false, version: null, reason_code: 'host_unreachable'})
    expect(by.refused.detail).to.match(/refused/i)
    const human = run(['hosts'])
    expect(human.stdout).to.match(/local-ssh\s+local-ssh\s+yes\s+0\.1\.0/)
  })

  it('start --host runs the job remotely with the real claude CLI; the prompt and token are on no command line; status --all-hosts, check and report through the host', async () => {
    const started = json(['start', '--host', 'local-ssh', '--beads', 'bd-remote1', '--provider', 'cc-glm', '--prompt-file', sb.prompt, '--worktree', sb.worktree, '--json'])
    expect(started.code, started.stderr).to.equal(0)
    expect(started.doc).to.include({beads: 'bd-remote1', provider: 'cc-glm'})
    // the job lives on the remote side's root, not here
    expect(existsSync(jobFile(remoteRoot, 'cc-glm', 'bd-remote1', 'meta'))).to.equal(true)
    expect(existsSync(jobFile(sb.root, 'cc-glm', 'bd-remote1', 'meta'))).to.equal(false)
    const meta = JSON.parse(readFileSync(jobFile(remoteRoot, 'cc-glm', 'bd-remote1', 'meta'), 'utf8'))
    expect(dirname(meta.prompt_file)).to.equal(join(remoteRoot, '.prompts'))
    expect(readFileSync(meta.prompt_file, 'utf8')).to.include(PROMPT_MARKER)

    const all = json(['status', '--all-hosts', '--json'])
    expect(all.code, all.stderr).to.equal(0)
    const row = all.doc.jobs.find((j) => j.beads === 'bd-remote1')
    expect(row).to.include({host: 'local-ssh', provider: 'cc-glm'})

    let checked
    await waitFor(() => {
      for (const needle of [PROMPT_MARKER, TOKEN]) expect(cmdlinesWith(needle), `"${needle}" on a command line`).to.deep.equal([])
      checked = json(['check', '--host', 'local-ssh', '--beads', 'bd-remote1', '--json'])
      return checked.doc.state.startsWith('exited')
    }, {what: 'the remote job to finish', timeoutMs: 120_000, intervalMs: 100})
    expect(checked.code).to.equal(0)
    expect(await validateDocument('check', checked.doc)).to.deep.equal([])
    expect(checked.doc).to.include({state: 'exited_ok', exit_code: '0'})
    const report = json(['report', '--host', 'local-ssh', '--beads', 'bd-remote1'])
    expect(report.code, report.stderr).to.equal(0)
    expect(report.doc).to.include({state: 'exited_ok', selected_model: 'glm-5', exit_code: '0'})
    expect(report.doc.mutations).to.be.at.least(1)
    expect(await validateDocument('report', report.doc)).to.deep.equal([])
    expect(existsSync(join(sb.worktree, 'sim-output.txt'))).to.equal(true)
    // exit codes are the remote's, unchanged
    const missing = run(['check', '--host', 'local-ssh', '--beads', 'bd-nope'])
    expect(missing.code).to.equal(3)
    expect(missing.stdout).to.include('bd-nope missing no_metadata')
  })

  it('stop --host ends the remote job\'s whole process group', async () => {
    const s = json(['start', '--host', 'local-ssh-hang', '--beads', 'bd-remote2', '--provider', 'cc-glm', `--prompt-file=${sb.prompt}`, '--worktree', sb.worktree, '--json'])
    expect(s.code, s.stderr).to.equal(0)
    const monitor = Number(readFileSync(jobFile(hangRoot, 'cc-glm', 'bd-remote2', 'monitor.pid'), 'latin1').split(' ')[0])
    expect(groupAlive(monitor)).to.equal(true)
    await waitFor(() => ['healthy', 'launching', 'waiting_first_output'].includes(json(['check', '--host', 'local-ssh-hang', '--beads', 'bd-remote2', '--json']).doc.state), {what: 'bd-remote2 running'})
    const stop = run(['stop', '--host', 'local-ssh-hang', '--beads', 'bd-remote2'])
    expect(stop.code, stop.stderr).to.equal(0)
    expect(groupAlive(monitor)).to.equal(false)
    const c = json(['check', '--host', 'local-ssh-hang', '--beads', 'bd-remote2', '--json'])
    expect(c.code).to.equal(3)
    expect(c.doc).to.include({state: 'exited_err', reason_code: 'stopped_by_user', outcome: 'killed'})
  })

  it('a host that refuses the connection is one host_unreachable row; local jobs and other hosts are still listed', async () => {
    const local = json(['start', '--beads', 'bd-local1', '--provider', 'cc-glm', '--prompt-file', sb.prompt, '--json'])
    expect(local.code, local.stderr).to.equal(0)
    const all = json(['status', '--all-hosts', '--json'])
    expect(all.code).to.equal(0)
    const rows = all.doc.jobs.map((j) => [j.host, j.beads, j.reason_code === 'host_unreachable' ? 'unreachable' : 'ok'])
    expect(rows).to.deep.include(['local', 'bd-local1', 'ok'])
    expect(rows).to.deep.include(['local-ssh', 'bd-remote1', 'ok'])
    expect(rows).to.deep.include(['refused', '-', 'unreachable'])
    expect(await validateDocument('status', all.doc)).to.deep.equal([])
    expect(all.doc.jobs.find((j) => j.host === 'refused')).to.include({state: 'missing', reason_code: 'host_unreachable'})
    expect(all.stderr.trim().split('\n').filter((l) => l.includes('refused'))).to.have.length(1)
    const table = run(['status', '--all-hosts'])
    expect(table.stdout).to.match(/^HOST\s+BEADS/m).and.match(/refused\s+-\s+-\s+-\s+missing\s+host_unreachable/)
    // one host's command: exit 26, one line saying why
    const c = run(['check', '--host', 'refused', '--beads', 'bd-local1'])
    expect(c.code).to.equal(26)
    expect(c.stderr.trim().split('\n')).to.have.length(1)
    expect(c.stderr).to.match(/host refused unreachable: .*refused/i)
    await sb.run(['stop', '--beads', 'bd-local1'])
  })

  it('a host that accepts the connection but never speaks is host_unreachable once its connect timeout passes', async () => {
    const sockets = []
    const silent = createServer((sock) => sockets.push(sock))
    await new Promise((resolve) => silent.listen(0, '127.0.0.1', resolve))
    try {
      const cfg = join(dir, 'ssh_config')
      writeFileSync(cfg, `${readFileSync(cfg, 'utf8')}Host silent\n  HostName 127.0.0.1\n  Port ${silent.address().port}\n  UserKnownHostsFile ${join(dir, 'known_hosts')}\n  StrictHostKeyChecking yes\n`)
      const config2 = join(dir, 'config-silent.json')
      writeFileSync(config2, JSON.stringify({hosts: {silent: {ssh: 'silent', ssh_config: cfg, connect_timeout_seconds: 2}}}))
      const all = json(['status', '--all-hosts', '--json'], {env: {DX_RUNNER_CONFIG: config2}})
      expect(all.code).to.equal(0)
      expect(all.doc.jobs.find((j) => j.host === 'silent')).to.include({state: 'missing', reason_code: 'host_unreachable'})
      expect(all.stderr).to.match(/host silent unreachable: .*time/i)
    } finally {
      for (const sock of sockets) sock.destroy()
      silent.close()
    }
  })

  it('watchdog --all-hosts --once governs the remote hosts too, one line each, unreachable ones said', () => {
    const r = run(['watchdog', '--all-hosts', '--once', '--json'])
    expect(r.code, r.stderr).to.equal(0)
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l))
    expect(lines.find((l) => l.action === 'round' && l.host === 'local-ssh'), r.stdout).to.include({jobs: 1})
    expect(lines.find((l) => l.action === 'round' && l.host === 'local-ssh-hang'), r.stdout).to.include({jobs: 1})
    expect(lines.filter((l) => l.action === 'host_failed'), r.stdout).to.deep.equal([])
    expect(lines.find((l) => l.action === 'round' && l.host === undefined)).to.be.an('object')
    expect(lines.find((l) => l.host === 'refused')).to.include({action: 'host_unreachable', reason_code: 'host_unreachable'})
  })

  it('watchdog --all-hosts restarts a stalled remote job on its host, with the policy given here', async () => {
    const s = json(['start', '--host', 'local-ssh-hang', '--beads', 'bd-remote3', '--provider', 'cc-glm', '--prompt-file', sb.prompt, '--worktree', sb.worktree, '--json'])
    expect(s.code, s.stderr).to.equal(0)
    const restarted = await waitFor(() => {
      const r = run(['watchdog', '--all-hosts', '--once', '--json', '--stall-minutes', '0.05', '--backoff-seconds', '0', '--max-retries', '1'])
      return r.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((l) => l.action === 'restarted' && l.beads === 'bd-remote3')
    }, {what: 'the watchdog to restart bd-remote3 on its host', timeoutMs: 90_000, intervalMs: 500})
    expect(restarted).to.include({host: 'local-ssh-hang', retry_count: 1})
    const meta = JSON.parse(readFileSync(jobFile(hangRoot, 'cc-glm', 'bd-remote3', 'meta'), 'utf8'))
    expect(meta.retries).to.equal(1)
    expect(run(['stop', '--host', 'local-ssh-hang', '--beads', 'bd-remote3']).code).to.equal(0)
  })

  it('logs, preflight, restart and prune through the host; prune also removes the prompt that came over stdin', async () => {
    const logs = run(['logs', '--host', 'local-ssh', '--beads', 'bd-remote1', '--lines', '5'])
    expect(logs.code, logs.stderr).to.equal(0)
    expect(logs.stdout).to.include('"type"')
    const pre = json(['preflight', '--host', 'local-ssh', '--provider', 'cc-glm', '--json'])
    expect(pre.code, pre.stderr).to.equal(0)
    expect(pre.doc.providers[0]).to.include({provider: 'cc-glm', passed: true})
    const restart = json(['restart', '--host', 'local-ssh', '--beads', 'bd-remote1', '--json'])
    expect(restart.code, restart.stderr).to.equal(0)
    const meta = () => JSON.parse(readFileSync(jobFile(remoteRoot, 'cc-glm', 'bd-remote1', 'meta'), 'utf8'))
    expect(meta().retries).to.equal(1)
    expect(existsSync(jobFile(remoteRoot, 'cc-glm', 'bd-remote1', 'log.1'))).to.equal(true)
    await waitFor(() => json(['check', '--host', 'local-ssh', '--beads', 'bd-remote1', '--json']).doc.state === 'exited_ok', {what: 'restarted bd-remote1 to finish'})
    const promptFile = meta().prompt_file
    expect(existsSync(promptFile)).to.equal(true)
    const prune = json(['prune', '--host', 'local-ssh', '--beads', 'bd-remote1', '--json'])
    expect(prune.code, prune.stderr).to.equal(0)
    expect(existsSync(jobFile(remoteRoot, 'cc-glm', 'bd-remote1', 'meta'))).to.equal(false)
    expect(existsSync(promptFile)).to.equal(false)
  })

  it('bad input: unknown host, missing prompt file, --host without a name → exit 1, one line, nothing sent', () => {
    const unknown = run(['start', '--host', 'nowhere', '--beads', 'bd-x', '--provider', 'cc-glm', '--prompt-file', sb.prompt])
    expect(unknown.code).to.equal(1)
    expect(unknown.stderr.trim()).to.match(/^dx-runner: unknown host "nowhere"; configured: local-ssh, local-ssh-hang, refused$/)
    const noPrompt = run(['start', '--host', 'local-ssh', '--beads', 'bd-x', '--provider', 'cc-glm', '--prompt-file', join(sb.base, 'nope.md')])
    expect(noPrompt.code).to.equal(1)
    expect(noPrompt.stderr.trim().split('\n')).to.have.length(1)
    expect(existsSync(jobFile(remoteRoot, 'cc-glm', 'bd-x', 'meta'))).to.equal(false)
    const noName = run(['status', '--host'])
    expect(noName.code).to.equal(1)
    expect(noName.stderr).to.include('--host needs a host name')
  })
})
