import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { AbortError } from '../errors.ts'
import { ByteBudget } from './byte-budget.ts'

const never = new AbortController().signal
const settled = async (promise: Promise<unknown>): Promise<boolean> => {
  let done = false
  void promise.then(
    () => (done = true),
    () => (done = true),
  )
  await new Promise((resolve) => setImmediate(resolve))
  return done
}

test('work waits until its bytes fit, and is served in order', async () => {
  const budget = new ByteBudget(100)
  await budget.take(60, never)
  const second = budget.take(50, never)
  const third = budget.take(10, never)
  assert.not.ok(await settled(second), 'over the budget: waits')
  assert.not.ok(await settled(third), 'fits, but waits behind the second')
  budget.give(60)
  assert.ok(await settled(second))
  assert.ok(await settled(third))
  assert.is(budget.used, 60)
})

test('one item larger than the whole budget gets through when nothing else is held', async () => {
  const budget = new ByteBudget(100)
  await budget.take(500, never)
  assert.is(budget.used, 500)
  const next = budget.take(1, never)
  assert.not.ok(await settled(next))
  budget.give(500)
  assert.ok(await settled(next))
})

test('an abort while waiting rejects and lets the next one through', async () => {
  const budget = new ByteBudget(100)
  await budget.take(90, never)
  const controller = new AbortController()
  const aborted = budget.take(50, controller.signal)
  const small = budget.take(5, never)
  controller.abort()
  try {
    await aborted
    assert.unreachable('should have been rejected')
  } catch (error) {
    assert.instance(error, AbortError)
  }
  assert.ok(await settled(small), 'the small one fits once the aborted one is gone')
  assert.is(budget.used, 95)
})

test.run()
