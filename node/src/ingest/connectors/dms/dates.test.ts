import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parseDate, parseRetention } from './dates.ts'

test('German and ISO dates become ISO dates', () => {
  assert.is(parseDate('05.03.2024'), '2024-03-05')
  assert.is(parseDate('5.3.2024'), '2024-03-05')
  assert.is(parseDate(' 2024-03-05 '), '2024-03-05')
  assert.is(parseDate('2024-03-05T10:15:00Z'), '2024-03-05')
  assert.is(parseDate('05.03.2024 14:30'), '2024-03-05')
  assert.is(parseDate('01.02.19'), '2019-02-01')
  assert.is(parseDate('01.02.85'), '1985-02-01')
})

test('dates that do not exist are refused instead of rolling over', () => {
  assert.is(parseDate('31.02.2024'), undefined)
  assert.is(parseDate('29.02.2023'), undefined)
  assert.is(parseDate('29.02.2024'), '2024-02-29')
  assert.is(parseDate('2024-13-01'), undefined)
  assert.is(parseDate('März 2024'), undefined)
})

test('retention: a date, a year, or a period counted from the end of the document year', () => {
  assert.equal(parseRetention('31.12.2030', undefined, false), { until: '2030-12-31' })
  assert.equal(parseRetention('2030', undefined, false), { until: '2030-12-31' })
  assert.equal(parseRetention('10 Jahre', '2019-06-14', false), { until: '2029-12-31' })
  assert.equal(parseRetention('6', '2019-06-14', true), { until: '2025-12-31' })
  assert.equal(parseRetention('dauernd', '2019-06-14', true), {})
  assert.equal(parseRetention('', undefined, false), {})
})

test('retention that cannot be read says why', () => {
  assert.ok(parseRetention('bald', undefined, false).error?.includes('kein Datum'))
  assert.ok(parseRetention('10 Jahre', undefined, false).error?.includes('ohne Dokumentdatum'))
  assert.is(parseRetention('6', '2019-06-14', false).until, undefined)
})

test.run()
