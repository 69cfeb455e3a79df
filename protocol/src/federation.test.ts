import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  decodeWire,
  encodeWire,
  FEDERATION_WIRE_VERSION,
  MAX_QUERY_REQUEST_BYTES,
  queryRequestSchema,
  wireError,
  wireErrorSchema,
} from './federation.ts'

const enc = new TextEncoder()
const request = {
  v: FEDERATION_WIRE_VERSION,
  type: 'query.request',
  nonce: '0123456789abcdef0123456789abcdef',
  sentAt: Date.now(),
  question: 'Gebühren für Baugenehmigung',
  limit: 5,
  deadlineMs: 2000,
}

test('a well-formed query request decodes', () => {
  const decoded = decodeWire(queryRequestSchema, encodeWire(request, MAX_QUERY_REQUEST_BYTES), MAX_QUERY_REQUEST_BYTES)
  assert.ok(decoded.ok)
  if (decoded.ok) assert.is(decoded.message.question, request.question)
})

test('another major version is refused as unsupported_version, a newer minor is read', () => {
  const v2 = decodeWire(queryRequestSchema, enc.encode(JSON.stringify({ ...request, v: '2.0.0' })), MAX_QUERY_REQUEST_BYTES)
  assert.equal(v2, { ok: false, code: 'unsupported_version' })
  const minor = decodeWire(queryRequestSchema, enc.encode(JSON.stringify({ ...request, v: '1.4.0' })), MAX_QUERY_REQUEST_BYTES)
  assert.ok(minor.ok)
})

test('oversized, non-JSON, invalid UTF-8 and extra fields are refused', () => {
  const big = enc.encode(JSON.stringify({ ...request, question: 'x'.repeat(MAX_QUERY_REQUEST_BYTES) }))
  assert.equal(decodeWire(queryRequestSchema, big, MAX_QUERY_REQUEST_BYTES), { ok: false, code: 'too_large' })
  assert.equal(decodeWire(queryRequestSchema, enc.encode('{nope'), MAX_QUERY_REQUEST_BYTES), { ok: false, code: 'malformed' })
  assert.equal(decodeWire(queryRequestSchema, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), MAX_QUERY_REQUEST_BYTES), {
    ok: false,
    code: 'malformed',
  })
  const extra = enc.encode(JSON.stringify({ ...request, secret: 1 }))
  assert.equal(decodeWire(queryRequestSchema, extra, MAX_QUERY_REQUEST_BYTES), { ok: false, code: 'malformed' })
  const badNonce = enc.encode(JSON.stringify({ ...request, nonce: 'abc' }))
  assert.equal(decodeWire(queryRequestSchema, badNonce, MAX_QUERY_REQUEST_BYTES), { ok: false, code: 'malformed' })
})

test('encodeWire refuses to produce a message above the limit', () => {
  assert.throws(() => encodeWire({ ...request, question: 'x'.repeat(5000) }, MAX_QUERY_REQUEST_BYTES), RangeError)
})

test('wire errors carry a stable code', () => {
  assert.ok(wireErrorSchema.safeParse(wireError('replayed', request.nonce)).success)
})

test.run()
