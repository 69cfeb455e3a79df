/**
 * A "scan" that breaks off after its header, as a copy aborted mid-transfer leaves it: it starts like a PDF but
 * holds no objects, no cross-reference table and no trailer, so every reader refuses it. The bytes come from a fixed
 * seed, so the file is the same on every run.
 */
export function makeCorruptPdf(): Uint8Array {
  const header = Uint8Array.from([...'%PDF-1.4\n%'].map((c) => c.charCodeAt(0)).concat([0xe2, 0xe3, 0xcf, 0xd3, 0x0a]))
  const noise = new Uint8Array(4096)
  let state = 0x2f6b3a1d
  for (let i = 0; i < noise.length; i++) {
    // xorshift32: enough randomness to look like compressed image data, and reproducible.
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    noise[i] = state & 0xff
  }
  const out = new Uint8Array(header.length + noise.length)
  out.set(header)
  out.set(noise, header.length)
  return out
}
