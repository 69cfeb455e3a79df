import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ScanQueue } from './scan-queue.ts'

test('takers get the items in scan order, waiting for items not found yet; the end releases them all', async () => {
  const queue = new ScanQueue<number>()
  const taken: number[] = []
  const takers = Array.from({ length: 5 }, async () => {
    for (let item = await queue.take(); item !== undefined; item = await queue.take()) taken.push(item)
  })
  for (let i = 0; i < 3000; i++) {
    queue.push(i)
    if (i % 100 === 0) await new Promise((resolve) => setImmediate(resolve)) // the scan awaits the file system
  }
  queue.end()
  await Promise.all(takers)
  assert.is(taken.length, 3000, 'every item taken once')
  assert.equal(taken, [...taken].sort((a, b) => a - b), 'in scan order')
  assert.is(await queue.take(), undefined)
})

test('an item pushed while takers wait is taken', async () => {
  const queue = new ScanQueue<string>()
  const first = queue.take()
  const second = queue.take()
  queue.push('a.txt')
  queue.push('b.txt')
  assert.equal(await Promise.all([first, second]), ['a.txt', 'b.txt'])
})

test.run()
