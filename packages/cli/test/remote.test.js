import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {takeOption} from '../dist/lib/argv.js'
import {extractHost, forwardFlags, shellQuote, sshArgv} from '../dist/lib/remote.js'

describe('remote: ssh argv and quoting', () => {
  it('shellQuote survives a real POSIX shell for hostile words', () => {
    const words = ['plain', "it's", 'a b', '$(touch /tmp/pwned)', '`x`', '"q"', '\\', '*', '-n', '', 'é ü']
    const line = words.map((w) => shellQuote(w)).join(' ')
    const out = execFileSync('sh', ['-c', `printf '%s\\0' ${line}`]).toString('utf8').split('\0').slice(0, -1)
    expect(out).to.deep.equal(words)
  })

  it('sshArgv: BatchMode, connect timeout, -F when given, `--` before the destination, one command string', () => {
    const argv = sshArgv({name: 'h', ssh: 'dev1', dx_runner: '/opt/dx runner', dx_runner_home: '/srv/dx', ssh_config: '/etc/cfg', connect_timeout_seconds: 3}, ['status', '--json'])
    expect(argv).to.deep.equal(['-F', '/etc/cfg', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=3', '-o', 'ServerAliveInterval=15', '-T', '--', 'dev1', "env DX_RUNNER_HOME=/srv/dx '/opt/dx runner' status --json"])
    expect(sshArgv({name: 'h', ssh: 'u@h'}, ['check']).slice(-2)).to.deep.equal(['u@h', 'dx-runner check'])
  })

  it('takeOption: separate or inline value, its place, nothing after --, a missing value left to the caller', () => {
    expect(takeOption(['start', '--prompt-file', 'p.md', '--json'], 'prompt-file')).to.deep.equal({value: 'p.md', inline: false, at: 1, rest: ['start', '--json']})
    expect(takeOption(['start', '--json', '--prompt-file=p.md'], 'prompt-file')).to.deep.equal({value: 'p.md', inline: true, at: 2, rest: ['start', '--json']})
    expect(takeOption(['start', '--', '--config', 'c'], 'config')).to.equal(undefined)
    expect(takeOption(['start', '--configx', 'c'], 'config')).to.equal(undefined)
    expect(takeOption(['status', '--config'], 'config')).to.deep.equal({value: undefined, inline: false, at: 1, rest: ['status']})
  })

  it('extractHost takes --host <name> and --host=<name>, not after --, and refuses a missing name', () => {
    expect(extractHost(['status', '--host', 'a', '--json'])).to.deep.equal({host: 'a', rest: ['status', '--json']})
    expect(extractHost(['status', '--host=b'])).to.deep.equal({host: 'b', rest: ['status']})
    expect(extractHost(['status', '--', '--host', 'c'])).to.deep.equal({rest: ['status', '--', '--host', 'c']})
    expect(() => extractHost(['status', '--host'])).to.throw('--host needs a host name')
    expect(() => extractHost(['status', '--host', '--json'])).to.throw('--host needs a host name')
  })

  it('forwardFlags keeps only the named flags, in both spellings', () => {
    expect(forwardFlags(['--beads', 'x', '--json', '--stall-minutes=0.1', '--all-hosts', '--provider', 'cc-glm'], ['beads', 'provider', 'stall-minutes'])).to.deep.equal(['--beads', 'x', '--stall-minutes=0.1', '--provider', 'cc-glm'])
  })
})
