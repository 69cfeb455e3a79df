// Synthetic embedding-like vectors and the measurement helpers of the latency benchmarks. Shared with the
// hybrid benchmark, so that both measure on the same data.
//
// Why not uniform random vectors: in 384 dimensions all their distances are nearly equal, nearest neighbours are
// arbitrary, and HNSW recall collapses (0.09 at ef 64 on 100k). Text embeddings are nothing like that: they
// cluster by topic, and within a topic they vary along few directions. The generator models that: cluster
// centres, per cluster a random low-dimensional subspace in which points spread, plus a little isotropic noise,
// then unit length (cosine = dot product).

export interface ClusteredSpec {
  /** vectors to generate */
  n: number
  dimensions: number
  /** cluster (topic) centres */
  clusters: number
  /** directions a cluster varies along; 0 gives isotropic Gaussian clusters (a much harder case) */
  subspaceDims: number
  /** standard deviation along each subspace direction (the centre has length 1) */
  spread: number
  /** length of the isotropic noise vector */
  noise: number
  seed: number
}

export const DEFAULT_SPEC: Omit<ClusteredSpec, 'n'> = {
  dimensions: 384,
  clusters: 2000,
  subspaceDims: 12,
  spread: 0.25,
  noise: 0.2,
  seed: 42,
}

/** mulberry32: small, fast and reproducible */
export function createRng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Standard normal samples (Box-Muller, both values used). */
export function createGaussian(rng: () => number): () => number {
  let spare: number | null = null
  return () => {
    if (spare !== null) {
      const s = spare
      spare = null
      return s
    }
    const u = rng() || Number.MIN_VALUE
    const v = rng()
    const r = Math.sqrt(-2 * Math.log(u))
    spare = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }
}

export function normalizeInPlace(v: Float32Array, offset = 0, length = v.length - offset): void {
  let sum = 0
  for (let i = offset; i < offset + length; i++) sum += (v[i] as number) * (v[i] as number)
  const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0
  for (let i = offset; i < offset + length; i++) v[i] = (v[i] as number) * scale
}

/** A fixed set of clusters that can draw any number of points (data and queries from the same distribution). */
export class ClusteredSource {
  readonly spec: Omit<ClusteredSpec, 'n'>
  private readonly centres: Float32Array
  private readonly bases: Float32Array
  private readonly rng: () => number
  private readonly gauss: () => number
  /** subspace coordinates of the vector being drawn */
  private readonly z: Float32Array

  /** `drawSeed` seeds the draws only: sources with the same spec and another draw seed share their clusters. */
  constructor(spec: Omit<ClusteredSpec, 'n'>, drawSeed = spec.seed + 1) {
    this.spec = spec
    const { dimensions: d, clusters, subspaceDims } = spec
    const setup = createGaussian(createRng(spec.seed))
    this.centres = new Float32Array(clusters * d)
    for (let i = 0; i < this.centres.length; i++) this.centres[i] = setup()
    for (let c = 0; c < clusters; c++) normalizeInPlace(this.centres, c * d, d)
    this.bases = new Float32Array(clusters * subspaceDims * d)
    for (let i = 0; i < this.bases.length; i++) this.bases[i] = setup()
    for (let b = 0; b < clusters * subspaceDims; b++) normalizeInPlace(this.bases, b * d, d)
    this.rng = createRng(drawSeed)
    this.gauss = createGaussian(this.rng)
    this.z = new Float32Array(subspaceDims)
  }

  /** Writes `count` unit vectors into `out` from vector index `start` on, each from a random cluster. */
  fill(out: Float32Array, start: number, count: number): void {
    for (let p = start; p < start + count; p++) this.draw(Math.floor(this.rng() * this.spec.clusters), out, p)
  }

  /** Writes one unit vector from the given cluster (a topic) into `out` at vector index `index`. */
  draw(cluster: number, out: Float32Array, index: number): void {
    const { dimensions: d, subspaceDims, spread, noise } = this.spec
    const noiseStd = noise / Math.sqrt(d)
    const z = this.z
    const at = index * d
    for (let j = 0; j < subspaceDims; j++) z[j] = this.gauss() * spread
    for (let i = 0; i < d; i++) {
      let x = (this.centres[cluster * d + i] as number) + this.gauss() * noiseStd
      for (let j = 0; j < subspaceDims; j++) x += (z[j] as number) * (this.bases[(cluster * subspaceDims + j) * d + i] as number)
      out[at + i] = x
    }
    normalizeInPlace(out, at, d)
  }

  generate(n: number, onProgress?: (done: number) => void): Float32Array {
    const out = new Float32Array(n * this.spec.dimensions)
    const step = 50_000
    for (let start = 0; start < n; start += step) {
      this.fill(out, start, Math.min(step, n - start))
      onProgress?.(Math.min(n, start + step))
    }
    return out
  }
}

export function vectorAt(data: Float32Array, dimensions: number, index: number): Float32Array {
  return data.subarray(index * dimensions, (index + 1) * dimensions)
}

/** Exact top-k by dot product (= cosine for unit vectors): the baseline and the ground truth for recall. */
export function exactSearch(data: Float32Array, dimensions: number, query: Float32Array, k: number): { ids: number[]; scores: number[] } {
  const n = data.length / dimensions
  const ids: number[] = []
  const scores: number[] = []
  let worst = Number.NEGATIVE_INFINITY
  for (let p = 0; p < n; p++) {
    const at = p * dimensions
    let dot = 0
    for (let i = 0; i < dimensions; i++) dot += (data[at + i] as number) * (query[i] as number)
    if (ids.length === k && dot <= worst) continue
    let pos = scores.length
    while (pos > 0 && (scores[pos - 1] as number) < dot) pos--
    scores.splice(pos, 0, dot)
    ids.splice(pos, 0, p)
    if (ids.length > k) {
      scores.pop()
      ids.pop()
    }
    worst = ids.length === k ? (scores[k - 1] as number) : Number.NEGATIVE_INFINITY
  }
  return { ids, scores }
}

/** Share of the exact top-k found by an approximate search. */
export function recallAt(found: readonly number[], exact: readonly number[]): number {
  if (exact.length === 0) return 1
  const truth = new Set(exact)
  let hit = 0
  for (const id of found) if (truth.has(id)) hit++
  return hit / exact.length
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] as number
}

export interface LatencySummary {
  p50Ms: number
  p95Ms: number
  meanMs: number
}

export function summarize(millis: readonly number[]): LatencySummary {
  return {
    p50Ms: percentile(millis, 50),
    p95Ms: percentile(millis, 95),
    meanMs: millis.reduce((a, b) => a + b, 0) / Math.max(1, millis.length),
  }
}

/** Runs `fn` once per query and returns the per-query milliseconds with the results. */
export function timeEach<T>(queries: readonly Float32Array[], fn: (query: Float32Array) => T): { millis: number[]; results: T[] } {
  const millis: number[] = []
  const results: T[] = []
  for (const query of queries) {
    const t0 = performance.now()
    results.push(fn(query))
    millis.push(performance.now() - t0)
  }
  return { millis, results }
}

export function formatBytes(bytes: number): string {
  if (Math.abs(bytes) >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`
  if (Math.abs(bytes) >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`
  if (Math.abs(bytes) >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${bytes} B`
}
