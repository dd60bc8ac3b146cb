// A loopback SSH server for the tests, on ssh2's Server: the real SSH protocol, so the system OpenSSH
// client talks to it as it would to sshd, and no sshd needs to be installed. Public keys only; each
// key brings its own environment (sshd's authorized_keys environment=); `exec` runs
// `/bin/sh -c <command>` in HOME with stdin, stdout, stderr and the exit status carried over.
// It runs in a process of its own (the tests call the CLI synchronously, which would stall a server
// in their own event loop): startSshServer() starts `node test/ssh-server.js`.
import {spawn} from 'node:child_process'
import {userInfo} from 'node:os'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'
import ssh2 from 'ssh2'

const {Server, utils} = ssh2
const SELF = fileURLToPath(import.meta.url)

/** A throwaway ed25519 key pair in OpenSSH format: {private, public} (public as one authorized_keys line). */
export const generateKey = (comment) => utils.generateKeyPairSync('ed25519', {comment})

const killGroup = (pgid) => {
  try {
    process.kill(-pgid, 'SIGKILL')
  } catch {} // already gone
}

/**
 * Start the server on a free 127.0.0.1 port in its own process. `hostKey` is an OpenSSH private key;
 * `authorizedKeys` is [{publicKey, env}] (an authorized_keys line and the variables that key's
 * sessions get); `env` is what every session gets (sshd's SetEnv, which wins). Resolves to
 * {port, stop()}; stop() ends every connection and every command's process group.
 */
export async function startSshServer({hostKey, authorizedKeys, env = {}}) {
  const child = spawn(process.execPath, [SELF], {stdio: ['pipe', 'pipe', 'inherit']})
  const exited = new Promise((resolve) => child.once('exit', resolve))
  // the options go over stdin, which stays open: its end (stop(), or this process dying) stops the server
  child.stdin.write(`${JSON.stringify({hostKey, authorizedKeys, env})}\n`)
  const [line] = await Promise.race([
    new Promise((resolve) => createInterface({input: child.stdout}).once('line', (l) => resolve([l]))),
    exited.then((code) => Promise.reject(new Error(`ssh server exited (${code}) before listening`))),
  ])
  return {
    port: JSON.parse(line).port,
    async stop() {
      child.stdin.end()
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** The server itself, in this process. Resolves to {port, stop()}. */
async function listen({hostKey, authorizedKeys, env, user = userInfo().username}) {
  const keys = authorizedKeys.map((k) => ({key: utils.parseKey(k.publicKey), env: k.env ?? {}}))
  const clients = new Set()
  const groups = new Set()

  const server = new Server({hostKeys: [hostKey]}, (client) => {
    clients.add(client)
    let keyEnv
    client.on('error', () => {}) // a client killed mid-session: its connection just ends
    client.on('close', () => clients.delete(client))
    client.on('authentication', (ctx) => {
      const match = ctx.method === 'publickey' && ctx.username === user && keys.find(({key}) => key.type === ctx.key.algo && key.getPublicSSH().equals(ctx.key.data))
      if (!match) return ctx.reject(['publickey'])
      if (ctx.signature && match.key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject(['publickey'])
      keyEnv = match.env
      ctx.accept() // without a signature this answers the client's "would this key do?"
    })
    client.on('session', (acceptSession) => {
      const session = acceptSession()
      const requested = {}
      session.on('env', (accept, _reject, {key, val}) => {
        requested[key] = val
        accept?.()
      })
      session.on('exec', (accept, _reject, {command}) => {
        const channel = accept()
        const sessionEnv = {USER: user, LOGNAME: user, ...requested, ...keyEnv, ...env}
        // its own process group, so that the command and whatever it left in its group end with the channel
        const child = spawn('/bin/sh', ['-c', command], {cwd: sessionEnv.HOME, env: sessionEnv, detached: true})
        groups.add(child.pid)
        child.on('error', (error) => channel.stderr.write(`${error.message}\n`)) // e.g. no such HOME; 'close' follows
        child.stdin.on('error', () => {}) // the command may exit without reading its input
        channel.pipe(child.stdin)
        child.stdout.pipe(channel, {end: false})
        child.stderr.pipe(channel.stderr, {end: false})
        child.on('close', (code, signal) => {
          if (signal) channel.exit(signal, false, '')
          else channel.exit(code < 0 ? 127 : code) // negative: the shell could not be started
          channel.end()
        })
        channel.on('close', () => {
          killGroup(child.pid)
          groups.delete(child.pid)
        })
      })
    })
  })

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  return {
    port: server.address().port,
    async stop() {
      for (const g of groups) killGroup(g)
      for (const c of clients) c.end()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

// `node test/ssh-server.js`: options as one JSON line on stdin, the port as one JSON line on stdout;
// stops when stdin ends or on SIGTERM
if (process.argv[1] === SELF) {
  const input = createInterface({input: process.stdin})
  const [line] = await new Promise((resolve) => input.once('line', (l) => resolve([l])))
  const server = await listen(JSON.parse(line))
  process.stdout.write(`${JSON.stringify({port: server.port})}\n`)
  let stopping
  const stop = () => (stopping ??= server.stop().then(() => process.exit(0)))
  input.once('close', stop)
  process.once('SIGTERM', stop)
}
