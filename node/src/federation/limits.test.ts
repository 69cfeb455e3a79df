import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { Penalties } from './penalties.ts'
import { ReplayGuard } from './replay.ts'

test('replay guard: a nonce is accepted once, stale and future timestamps are expired', () => {
  let now = 1_000_000
  const guard = new ReplayGuard(60_000, 100, () => now)
  assert.is(guard.check('p', 'n1', now), 'fresh')
  assert.is(guard.check('p', 'n1', now), 'replayed')
  assert.is(guard.check('q', 'n1', now), 'fresh')
  assert.is(guard.check('p', 'n2', now - 61_000), 'expired')
  assert.is(guard.check('p', 'n3', now + 61_000), 'expired')
  now += 200_000
  assert.is(guard.check('p', 'n4', now), 'fresh')
  assert.is(guard.size, 1, 'expired nonces are forgotten')
})

test('replay guard memory stays bounded under a flood of fresh nonces', () => {
  const guard = new ReplayGuard(60_000, 1000)
  for (let i = 0; i < 50_000; i++) guard.check('p', `n${i}`, Date.now())
  assert.ok(guard.size <= 1000)
})

test('penalties: repeated offences within the window ban the peer once, and the ban expires', () => {
  let now = 0
  const banned: string[] = []
  const p = new Penalties({ maxOffences: 3, windowMs: 1000, banMs: 5000, now: () => now, onBan: (id) => banned.push(id) })
  assert.not.ok(p.record('x', 'malformed'))
  now += 2000
  assert.not.ok(p.record('x', 'malformed'))
  assert.not.ok(p.record('x', 'malformed'), 'the first offence left the window')
  assert.ok(p.record('x', 'too_large'))
  assert.ok(p.isBanned('x'))
  assert.not.ok(p.record('x', 'malformed'), 'no second ban while banned')
  assert.equal(banned, ['x'])
  now += 5001
  assert.not.ok(p.isBanned('x'))
})

test('penalties track a bounded number of offenders', () => {
  const p = new Penalties({ maxOffences: 1000 })
  for (let i = 0; i < 5000; i++) p.record(`peer${i}`, 'malformed')
  assert.ok(p.stats().tracked <= 1000)
})

test.run()
