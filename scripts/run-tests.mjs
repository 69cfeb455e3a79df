#!/usr/bin/env node
// Runs every uvu test file of the workspaces, each in its own process, and prints one closing line
// "N passed, N failed" so that CI and people see the outcome at a glance. Exit code: non-zero on any failure.
// Usage: npm test [-- <substring of test paths>]
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const ROOTS = ['protocol/src', 'node/src', 'ui/src', 'ui/e2e']
/** A test file that runs longer than this is killed and counted as failed. */
const FILE_TIMEOUT_MS = 10 * 60 * 1000
const only = process.argv[2]

function findTests(dir, out = []) {
  let entries
  try {
    entries = readdirSync(dir)
  } catch {
    return out
  }
  for (const name of entries) {
    if (name === 'node_modules') continue
    const full = join(dir, name)
    if (statSync(full).isDirectory()) findTests(full, out)
    else if (name.endsWith('.test.ts')) out.push(full)
  }
  return out
}

const files = ROOTS.flatMap((r) => findTests(r))
  .filter((f) => only === undefined || f.includes(only))
  .sort()
let passed = 0
let failed = 0
let skipped = 0
const failures = []
const started = Date.now()
for (const file of files) {
  // One process per file: tests start servers, child processes and native models; isolation keeps a
  // crash or a leaked handle in one file from hiding the results of the others.
  const t0 = Date.now()
  const result = spawnSync(process.execPath, ['--import', 'tsx', file], {
    env: { ...process.env, NO_COLOR: '1', WISSENSNETZ_LOG: process.env.WISSENSNETZ_LOG ?? 'silent' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: FILE_TIMEOUT_MS,
  })
  const out = `${result.stdout ?? ''}${result.stderr ?? ''}`
  const total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? 0)
  const ok = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? 0)
  const skip = Number(/Skipped:\s+(\d+)/.exec(out)?.[1] ?? 0)
  const bad = result.status !== 0 || ok + skip < total || total === 0
  passed += ok
  skipped += skip
  failed += bad ? Math.max(1, total - ok - skip) : 0
  const seconds = ((Date.now() - t0) / 1000).toFixed(1)
  process.stdout.write(`${bad ? 'FAIL' : 'ok  '} ${relative('.', file)} (${ok}/${total}${skip ? `, ${skip} skipped` : ''}, ${seconds} s)\n`)
  // Skips must be visible with their reason (tests print lines starting with "SKIP").
  for (const line of out.split('\n')) if (/^\s*SKIP\b/.test(line)) process.stdout.write(`     ${line.trim()}\n`)
  if (bad) {
    failures.push(file)
    process.stdout.write(`${out
      .split('\n')
      .map((l) => `     ${l}`)
      .join('\n')}\n`)
  }
}
process.stdout.write(`\n${((Date.now() - started) / 1000).toFixed(0)} s, ${files.length} test files\n`)
if (failures.length > 0) process.stdout.write(`failed files:\n${failures.map((f) => `  ${f}`).join('\n')}\n`)
process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`)
process.exit(failed > 0 || files.length === 0 ? 1 : 0)
