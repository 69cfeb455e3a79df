import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { SlotPool } from './slots.ts'

function errorOf(run: () => unknown): { name: string; code?: string; status?: number } {
  try {
    run()
  } catch (err) {
    return err as { name: string; code?: string; status?: number }
  }
  throw new Error('expected a throw')
}

test('free slots are handed out at once; waiting requests get released slots in arrival order', async () => {
  const pool = new SlotPool(['a'], 2)
  assert.is(await pool.acquire(), 'a')
  const order: string[] = []
  const first = pool.acquire().then((s) => order.push(`first:${s}`))
  const second = pool.acquire().then((s) => order.push(`second:${s}`))
  assert.is(pool.queued, 2)
  pool.release('a')
  await first
  pool.release('a')
  await second
  assert.equal(order, ['first:a', 'second:a'])
})

test('beyond the queue a request is refused synchronously with llm_busy (503)', async () => {
  const pool = new SlotPool(['a'], 1)
  await pool.acquire()
  void pool.acquire()
  const err = errorOf(() => pool.acquire())
  assert.is(err.name, 'LlmBusyError')
  assert.is(err.code, 'llm_busy')
  assert.is(err.status, 503)
})

test('a waiting request whose signal aborts leaves the queue and never takes a slot', async () => {
  const pool = new SlotPool(['a'], 4)
  await pool.acquire()
  const controller = new AbortController()
  const waiting = pool.acquire(controller.signal)
  controller.abort()
  const err = await waiting.then(
    () => null,
    (e: { code: string }) => e,
  )
  assert.is(err?.code, 'aborted')
  assert.is(pool.queued, 0)
  pool.release('a')
  assert.is(pool.available, 1, 'the released slot went back to the free list, not to the aborted request')
  assert.is(errorOf(() => pool.acquire(controller.signal)).code, 'aborted', 'an already aborted signal is refused at once')
})

test('rejectAll fails every waiting request (shutdown)', async () => {
  const pool = new SlotPool<string>([], 4)
  const a = pool.acquire().catch((e: Error) => e.message)
  pool.rejectAll(new Error('weg'))
  assert.is(await a, 'weg')
  assert.is(pool.queued, 0)
})

test.run()
