// Straight-line Montgomery arithmetic for the two limb counts of the
// pairing curves: four limbs (BN254) and six (BLS12-381). The generic loops
// of `MontgomeryField` leave the outer loop of a product rolled, with its
// state in memory; here each round is spelled out per size, so the state
// lives in registers. The rounds themselves are shared helpers whose short
// inner loops (over the limbs) the optimiser unrolls.
//
// Both moduli leave spare bits at the top (p < R / 4), which these kernels
// rely on: no word beyond the n limbs (plus one carry word in a round) is
// ever needed, and a sum of two reduced elements fits the limbs.

/// `a b + c` as (high, low) words; never overflows 128 bits.
@inline(__always)
func mulAdd(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> (high: UInt64, low: UInt64) {
  let w = UInt128(a) &* UInt128(b) &+ UInt128(c)
  return (UInt64(truncatingIfNeeded: w >> 64), UInt64(truncatingIfNeeded: w))
}

/// `a b + c + d` as (high, low) words; never overflows 128 bits.
@inline(__always)
func mulAdd(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ d: UInt64) -> (high: UInt64, low: UInt64) {
  let w = UInt128(a) &* UInt128(b) &+ UInt128(c) &+ UInt128(d)
  return (UInt64(truncatingIfNeeded: w >> 64), UInt64(truncatingIfNeeded: w))
}

/// `t += a x` over the limbs of t; returns the carry word.
@inline(__always)
func accumulateRow<L: LimbStorage>(_ t: inout L, _ a: L, _ x: UInt64) -> UInt64 {
  var c: UInt64 = 0
  for j in 0..<L.count { (c, t[j]) = mulAdd(a[j], x, t[j], c) }
  return c
}

/// Row `i` of the off-diagonal half of a square: `r[2i+1 ..< i+n] +=
/// a[i] · a[i+1 ..< n]`, the carry word stored at `r[i + n]`.
@inline(__always)
func crossRow<let n: Int, let w: Int>(_ r: inout InlineArray<w, UInt64>, _ a: Limbs<n>, at i: Int) {
  var c: UInt64 = 0
  for j in (i + 1)..<n { (c, r[i + j]) = mulAdd(a[i], a[j], r[i + j], c) }
  r[i + n] = c
}

/// Row `i` of a schoolbook product: `r[i ..< i+n] += a · x`, the carry
/// word stored at `r[i + n]` (not yet written by earlier rows).
@inline(__always)
func productRow<let n: Int, let w: Int>(
  _ r: inout InlineArray<w, UInt64>, _ a: Limbs<n>, _ x: UInt64, at i: Int
) {
  var c: UInt64 = 0
  for j in 0..<n { (c, r[i + j]) = mulAdd(a[j], x, r[i + j], c) }
  r[i + n] = c
}

/// `a - b` over double-width values known not to borrow.
@inline(__always)
func wideDifference<let w: Int>(
  _ a: InlineArray<w, UInt64>, _ b: InlineArray<w, UInt64>
) -> InlineArray<w, UInt64> {
  var d = a
  var borrow: UInt64 = 0
  for k in 0..<w { d[k] = subb(a[k], b[k], &borrow) }
  return d
}

/// `a + b` over the limbs, for a sum that fits them (below 2p).
@inline(__always)
func limbSum<let n: Int>(_ a: Limbs<n>, _ b: Limbs<n>) -> Limbs<n> {
  var s = a
  var carry: UInt64 = 0
  for i in 0..<n { s[i] = addc(a[i], b[i], &carry) }
  return s
}

/// Completes a square from its off-diagonal half (words 1 ..< 2n - 1 of
/// `r`): doubles it and adds the squares of the limbs on the diagonal.
@inline(__always)
func addDiagonal<let n: Int, let w: Int>(_ r: inout InlineArray<w, UInt64>, _ a: Limbs<n>) {
  r[2 * n - 1] = r[2 * n - 2] >> 63
  for k in stride(from: 2 * n - 2, to: 1, by: -1) { r[k] = r[k] << 1 | r[k - 1] >> 63 }
  r[1] = r[1] << 1
  var carry: UInt64 = 0
  for i in 0..<n {
    let (high, low) = a[i].multipliedFullWidth(by: a[i])
    r[2 * i] = addc(r[2 * i], low, &carry)
    r[2 * i + 1] = addc(r[2 * i + 1], high, &carry)
  }
}

extension MontgomeryModulus {
  /// One reduction round: `t = (t + m p) / 2^64` with m making the low word
  /// vanish; `top` is the word above t's limbs.
  @inline(__always)
  static func reductionRound(_ t: inout LimbArray, top: UInt64) {
    let p = modulus
    let m = t[0] &* inverseModulus
    var (c, _) = mulAdd(m, p[0], t[0])
    for j in 1..<LimbArray.count { (c, t[j - 1]) = mulAdd(m, p[j], t[j], c) }
    t[LimbArray.count - 1] = top &+ c
  }

  /// One CIOS round of a product: `t = (t + a x + m p) / 2^64`.
  @inline(__always)
  static func productRound(_ t: inout LimbArray, _ a: LimbArray, _ x: UInt64) {
    let top = accumulateRow(&t, a, x)
    reductionRound(&t, top: top)
  }

  /// One CIOS round of a sum of two products: `t = (t + a0 x0 + a1 x1 + m p) / 2^64`.
  @inline(__always)
  static func sumOfProductsRound(
    _ t: inout LimbArray, _ a0: LimbArray, _ x0: UInt64, _ a1: LimbArray, _ x1: UInt64
  ) {
    let top = accumulateRow(&t, a0, x0) &+ accumulateRow(&t, a1, x1)
    reductionRound(&t, top: top)
  }

  /// `a - b` over double-width values below `p R`, plus `p R` when it
  /// borrows: a value below `p R` again, congruent to `a - b` mod p.
  @inline(__always)
  static func wideDifferenceModulo<let w: Int>(
    _ a: InlineArray<w, UInt64>, _ b: InlineArray<w, UInt64>
  ) -> InlineArray<w, UInt64> {
    var d = a
    var borrow: UInt64 = 0
    for k in 0..<w { d[k] = subb(a[k], b[k], &borrow) }
    let p = modulus
    let mask = 0 &- borrow
    let n = LimbArray.count
    var carry: UInt64 = 0
    for i in 0..<n { d[n + i] = addc(d[n + i], p[i] & mask, &carry) }
    return d
  }

  /// `t - p` when `t ≥ p`, else `t` (for `t < 2p`), without a branch.
  @inline(__always)
  static func subtractingModulusIfNeeded(_ t: LimbArray) -> LimbArray {
    let p = modulus
    var d = LimbArray(repeating: 0)
    var borrow: UInt64 = 0
    for i in 0..<LimbArray.count { d[i] = subb(t[i], p[i], &borrow) }
    let keep = 0 &- borrow
    for i in 0..<LimbArray.count { d[i] ^= (t[i] ^ d[i]) & keep }
    return d
  }
}

extension MontgomeryModulus where LimbArray == Limbs<4> {
  @inline(__always)
  static func montgomeryProduct(_ a: LimbArray, _ b: LimbArray) -> LimbArray {
    var t = LimbArray(repeating: 0)
    productRound(&t, a, b[0])
    productRound(&t, a, b[1])
    productRound(&t, a, b[2])
    productRound(&t, a, b[3])
    return subtractingModulusIfNeeded(t)
  }

  @inline(__always)
  static func montgomerySumOfProducts(
    _ a0: LimbArray, _ b0: LimbArray, _ a1: LimbArray, _ b1: LimbArray
  ) -> LimbArray {
    var t = LimbArray(repeating: 0)
    sumOfProductsRound(&t, a0, b0[0], a1, b1[0])
    sumOfProductsRound(&t, a0, b0[1], a1, b1[1])
    sumOfProductsRound(&t, a0, b0[2], a1, b1[2])
    sumOfProductsRound(&t, a0, b0[3], a1, b1[3])
    return subtractingModulusIfNeeded(t)
  }

  /// The off-diagonal products once, doubled, then the diagonal, then one
  /// reduction of the double-width square.
  @inline(__always)
  static func montgomerySquare(_ a: LimbArray) -> LimbArray {
    var r = InlineArray<8, UInt64>(repeating: 0)
    crossRow(&r, a, at: 0)
    crossRow(&r, a, at: 1)
    crossRow(&r, a, at: 2)
    addDiagonal(&r, a)
    return montgomeryReduce(r)
  }

  /// The double-width product `a b` (no reduction).
  @inline(__always)
  static func wideProduct(_ a: LimbArray, _ b: LimbArray) -> InlineArray<8, UInt64> {
    var r = InlineArray<8, UInt64>(repeating: 0)
    productRow(&r, a, b[0], at: 0)
    productRow(&r, a, b[1], at: 1)
    productRow(&r, a, b[2], at: 2)
    productRow(&r, a, b[3], at: 3)
    return r
  }

  /// The Fp2 product `(a0 + a1 u)(b0 + b1 u)` with u² = -1, divided by R:
  /// Karatsuba on double-width products, reduced once per coefficient.
  /// `a0 b0 - a1 b1` is taken modulo `p R` (below it), and `a0 b1 + a1 b0 =
  /// (a0 + a1)(b0 + b1) - a0 b0 - a1 b1 < 2p² < p R` (inputs below p, so the
  /// unreduced sums are below 2p and their product fits the double width).
  @inline(__always)
  static func montgomeryComplexProduct(
    _ a0: LimbArray, _ a1: LimbArray, _ b0: LimbArray, _ b1: LimbArray
  ) -> (real: LimbArray, imaginary: LimbArray) {
    let t0 = wideProduct(a0, b0)
    let t1 = wideProduct(a1, b1)
    let t2 = wideProduct(limbSum(a0, a1), limbSum(b0, b1))
    return (
      montgomeryReduce(wideDifferenceModulo(t0, t1)),
      montgomeryReduce(wideDifference(wideDifference(t2, t0), t1))
    )
  }

  /// `r / R mod p` for a double-width `r < p R`: the low half reduced in
  /// place, then the high half added (below 2p), then one conditional
  /// subtraction.
  @inline(__always)
  static func montgomeryReduce(_ r: InlineArray<8, UInt64>) -> LimbArray {
    var t = Limbs<4>([r[0], r[1], r[2], r[3]])
    reductionRound(&t, top: 0)
    reductionRound(&t, top: 0)
    reductionRound(&t, top: 0)
    reductionRound(&t, top: 0)
    var carry: UInt64 = 0
    for i in 0..<4 { t[i] = addc(t[i], r[4 + i], &carry) }
    return subtractingModulusIfNeeded(t)
  }
}

extension MontgomeryModulus where LimbArray == Limbs<6> {
  @inline(__always)
  static func montgomeryProduct(_ a: LimbArray, _ b: LimbArray) -> LimbArray {
    var t = LimbArray(repeating: 0)
    productRound(&t, a, b[0])
    productRound(&t, a, b[1])
    productRound(&t, a, b[2])
    productRound(&t, a, b[3])
    productRound(&t, a, b[4])
    productRound(&t, a, b[5])
    return subtractingModulusIfNeeded(t)
  }

  @inline(__always)
  static func montgomerySumOfProducts(
    _ a0: LimbArray, _ b0: LimbArray, _ a1: LimbArray, _ b1: LimbArray
  ) -> LimbArray {
    var t = LimbArray(repeating: 0)
    sumOfProductsRound(&t, a0, b0[0], a1, b1[0])
    sumOfProductsRound(&t, a0, b0[1], a1, b1[1])
    sumOfProductsRound(&t, a0, b0[2], a1, b1[2])
    sumOfProductsRound(&t, a0, b0[3], a1, b1[3])
    sumOfProductsRound(&t, a0, b0[4], a1, b1[4])
    sumOfProductsRound(&t, a0, b0[5], a1, b1[5])
    return subtractingModulusIfNeeded(t)
  }

  /// The off-diagonal products once, doubled, then the diagonal, then one
  /// reduction of the double-width square.
  @inline(__always)
  static func montgomerySquare(_ a: LimbArray) -> LimbArray {
    var r = InlineArray<12, UInt64>(repeating: 0)
    crossRow(&r, a, at: 0)
    crossRow(&r, a, at: 1)
    crossRow(&r, a, at: 2)
    crossRow(&r, a, at: 3)
    crossRow(&r, a, at: 4)
    addDiagonal(&r, a)
    return montgomeryReduce(r)
  }

  /// `r / R mod p` for a double-width `r < p R`: the low half reduced in
  /// place, then the high half added (below 2p), then one conditional
  /// subtraction.
  @inline(__always)
  static func montgomeryReduce(_ r: InlineArray<12, UInt64>) -> LimbArray {
    var t = Limbs<6>([r[0], r[1], r[2], r[3], r[4], r[5]])
    reductionRound(&t, top: 0)
    reductionRound(&t, top: 0)
    reductionRound(&t, top: 0)
    reductionRound(&t, top: 0)
    reductionRound(&t, top: 0)
    reductionRound(&t, top: 0)
    var carry: UInt64 = 0
    for i in 0..<6 { t[i] = addc(t[i], r[6 + i], &carry) }
    return subtractingModulusIfNeeded(t)
  }
}
