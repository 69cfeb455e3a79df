import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createConnection, createServer } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'

/**
 * Test helper: a real dovecot IMAP server on 127.0.0.1, in a temp dir, for the current user. Not a test itself.
 * As root, dovecot refuses root for its login process and for mail storage, so it uses the Debian package's
 * system users (dovenull, dovecot) or nobody; as any other user everything runs as that user, unchrooted.
 */
export const DOVECOT_BINARY = '/usr/sbin/dovecot'
/** Start-up on a busy 2-core machine: config parse, auth and login processes. */
const DOVECOT_START_LIMIT_MS = 20_000
const DOVECOT_STOP_LIMIT_MS = 5_000
const POLL_INTERVAL_MS = 100

export interface Dovecot {
  host: string
  port: number
  user: string
  password: string
  stop(): Promise<void>
}

export function dovecotMissing(): string | undefined {
  return existsSync(DOVECOT_BINARY) ? undefined : `${DOVECOT_BINARY} fehlt (Debian: apt-get install dovecot-imapd)`
}

export async function startDovecot(user = 'alice', password = 'Geheim-123'): Promise<Dovecot> {
  const dir = await mkdtemp(join(tmpdir(), 'wn-dovecot-'))
  // dovecot's unprivileged processes must traverse the directory when we run as root
  await chmod(dir, 0o755)
  for (const sub of ['run', 'state', 'home']) await mkdir(join(dir, sub))
  const identity = await processIdentity()
  if (identity.mailUid !== undefined) await chown(join(dir, 'home'), identity.mailUid, identity.mailGid ?? identity.mailUid)
  const passwd = join(dir, 'users')
  await writeFile(passwd, `${user}:{PLAIN}${password}::::::\n`, { mode: 0o644 })
  const port = await freePort()
  const config = join(dir, 'dovecot.conf')
  const log = join(dir, 'dovecot.log')
  await writeFile(
    config,
    `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${log}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${identity.internalUser}
${identity.internalGroup === undefined ? '' : `default_internal_group = ${identity.internalGroup}`}
default_login_user = ${identity.loginUser}
first_valid_uid = 0
first_valid_gid = 0
mail_location = maildir:${dir}/home/%u/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${passwd}
}
userdb {
  driver = static
  args = uid=${identity.mailUser} gid=${identity.mailGroup} home=${dir}/home/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`,
  )
  const child = spawn(DOVECOT_BINARY, ['-F', '-c', config], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))

  const stop = async (): Promise<void> => {
    await stopProcess(child)
    await rm(dir, { recursive: true, force: true })
  }
  try {
    await waitForGreeting(port, child)
  } catch (error) {
    const logText = await readFile(log, 'utf8').catch(() => '')
    await stop()
    throw new Error(`dovecot did not start: ${(error as Error).message}\n${output}\n${logText}`)
  }
  return { host: '127.0.0.1', port, user, password, stop }
}

interface ProcessIdentity {
  internalUser: string
  internalGroup: string | undefined
  loginUser: string
  mailUser: string | number
  mailGroup: string | number
  mailUid: number | undefined
  mailGid: number | undefined
}

async function processIdentity(): Promise<ProcessIdentity> {
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '')
  const groups = await readFile('/etc/group', 'utf8').catch(() => '')
  const users = new Map(passwd.split('\n').map((line) => line.split(':')).filter((f) => f.length > 3).map((f) => [f[0] ?? '', f]))
  if (process.getuid?.() !== 0) {
    const me = userInfo()
    const group = groups
      .split('\n')
      .map((line) => line.split(':'))
      .find((f) => f[2] === String(me.gid))?.[0]
    return {
      internalUser: me.username,
      internalGroup: group,
      loginUser: me.username,
      mailUser: me.uid,
      mailGroup: me.gid,
      mailUid: undefined,
      mailGid: undefined,
    }
  }
  const internal = users.has('dovecot') ? 'dovecot' : 'nobody'
  const fields = users.get(internal)
  const uid = Number(fields?.[2] ?? 65534)
  const gid = Number(fields?.[3] ?? 65534)
  return {
    internalUser: internal,
    internalGroup: undefined,
    loginUser: users.has('dovenull') ? 'dovenull' : 'nobody',
    mailUser: uid,
    mailGroup: gid,
    mailUid: uid,
    mailGid: gid,
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

async function waitForGreeting(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + DOVECOT_START_LIMIT_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`)
    if (await greets(port)) return
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS))
  }
  throw new Error(`no IMAP greeting on port ${port} within ${DOVECOT_START_LIMIT_MS} ms`)
}

function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    let text = ''
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString()
      if (text.includes('\n')) done(text.startsWith('* OK'))
    })
    socket.on('error', () => done(false))
    socket.setTimeout(DOVECOT_STOP_LIMIT_MS, () => done(false))
  })
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), DOVECOT_STOP_LIMIT_MS)
  await exited
  clearTimeout(timer)
}
