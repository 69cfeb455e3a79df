import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { DataDirLockedError } from '../errors.ts'
import { DataDirLock } from './datadir.ts'

test('a second lock on the same data directory is refused while the first is held', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wn-lock-'))
  const first = new DataDirLock(dir)
  first.acquire()
  // a lock file owned by another live process (our parent shell's pid is alive)
  writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: process.ppid, host: hostname(), since: '' }))
  const second = new DataDirLock(dir)
  assert.throws(() => second.acquire(), (err: unknown) => err instanceof DataDirLockedError)
})

test('a lock left by a killed process is taken over', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wn-lock-'))
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString()
  writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: Number(dead), host: hostname(), since: '' }))
  const lock = new DataDirLock(dir)
  lock.acquire()
  lock.release()
  assert.not.ok(existsSync(join(dir, 'lock')))
})

test.run()
