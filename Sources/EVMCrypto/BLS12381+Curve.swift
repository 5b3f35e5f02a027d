// The curves: G1 is y^2 = x^3 + 4 over Fp; G2 lives on the sextic M-type
// twist y^2 = x^3 + 4 (1 + u) over Fp2. Points in Jacobian coordinates,
// subgroup checks by endomorphisms, and Pippenger multi-scalar multiplication.

extension BLS12381 {
  typealias G1Point = JacobianPoint<Fp>
  typealias G2Point = JacobianPoint<Fp2>

  /// |x| for the BLS parameter x = -0xd201000000010000.
  static let absX: UInt64 = 0xd201_0000_0001_0000

  /// Whether an affine G1 point satisfies y^2 = x^3 + 4 ((0, 0) counts as infinity).
  static func isOnG1Curve(_ p: (x: Fp, y: Fp)) -> Bool {
    if p.x.isZero && p.y.isZero { return true }
    return p.y.squared() == p.x.squared() * p.x + g1B
  }

  /// Whether an affine point satisfies the twist's equation ((0, 0) counts as infinity).
  static func isOnG2Curve(_ q: (x: Fp2, y: Fp2)) -> Bool {
    if q.x.isZero && q.y.isZero { return true }
    return q.y.squared() == q.x.squared() * q.x + twistB
  }

  /// Whether a point on G1's curve lies in the order-r subgroup: Scott's test
  /// φ(P) = [-x²] P with φ(x, y) = (β x, y).
  static func isInG1Subgroup(_ p: G1Point) -> Bool {
    if p.isInfinity { return true }
    let x2P = p.multiplied(bySmall: absX).multiplied(bySmall: absX)
    return phi(p).isEqual(to: -x2P)
  }

  /// φ(P) = (β x, y), which acts on G1 as multiplication by -x².
  static func phi(_ p: G1Point) -> G1Point { G1Point(x: p.x * g1Beta, y: p.y, z: p.z) }

  /// `Σ k_i P_i` for a few points of G1 and scalars below 2^255 (four limbs,
  /// least significant first), halving the doublings with the endomorphism:
  /// `k = q x² + s` with `q, s < 2^128` gives `k P = s P + q (-φ(P))`.
  static func sumOfG1Multiples(_ points: [G1Point], _ scalars: [[UInt64]]) -> G1Point {
    let x2 = UInt128(absX) * UInt128(absX)
    var terms: [G1Point] = []
    var halves: [[UInt64]] = []
    for (p, k) in zip(points, scalars) {
      let high = UInt128(k[3]) << 64 | UInt128(k[2])
      let low = UInt128(k[1]) << 64 | UInt128(k[0])
      // high < 2^127 < x², so the quotient fits 128 bits.
      let (q, s) = x2.dividingFullWidth((high: high, low: low))
      terms += [p, -phi(p)]
      halves += [
        [UInt64(truncatingIfNeeded: s), UInt64(truncatingIfNeeded: s >> 64)],
        [UInt64(truncatingIfNeeded: q), UInt64(truncatingIfNeeded: q >> 64)],
      ]
    }
    return G1Point.sumOfMultiples(terms, halves)
  }

  /// Whether a point on the twist lies in the order-r subgroup: Scott's test
  /// ψ(Q) = [x] Q (x negative, so `-[|x|] Q`).
  static func isInG2Subgroup(_ q: G2Point) -> Bool {
    if q.isInfinity { return true }
    return isInG2Subgroup(q, absXMultiple: q.multiplied(bySmall: absX))
  }

  /// Scott's test with `[|x|] Q` already computed (the Miller loop's last
  /// point is exactly that; see ``pairingCheck(input:)``).
  static func isInG2Subgroup(_ q: G2Point, absXMultiple: G2Point) -> Bool {
    psi(q).isEqual(to: -absXMultiple)
  }

  /// The untwist–Frobenius–twist endomorphism ψ on Jacobian coordinates.
  static func psi(_ q: G2Point) -> G2Point {
    G2Point(x: q.x.conjugate * psiX, y: q.y.conjugate * psiY, z: q.z.conjugate)
  }

  /// Reference subgroup test `r * P == O`, for cross-checking the fast ones.
  static func isInSubgroupByOrder<F: FieldArithmetic>(_ p: JacobianPoint<F>) -> Bool {
    p.multiplied(by: orderLimbs).isInfinity
  }

  // MARK: - Encoding (EIP-2537)

  /// Decodes a G1 point (128 bytes at `offset`: x, y as 64-byte big-endian
  /// with 16 zero top bytes); all zeros is infinity. Coordinates ≥ p or a
  /// point off the curve are invalid; the subgroup check is separate.
  static func decodeG1(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) throws(PrecompileError)
    -> G1Point
  {
    guard let x = Fp(bigEndian: bytes, at: offset, width: 64),
      let y = Fp(bigEndian: bytes, at: offset + 64, width: 64)
    else { throw .invalidInput }
    guard isOnG1Curve((x, y)) else { throw .invalidInput }
    return G1Point(affine: (x, y))
  }

  /// Decodes a G2 point (256 bytes at `offset`: x.c0, x.c1, y.c0, y.c1, each
  /// 64-byte big-endian); all zeros is infinity. Coordinates ≥ p or a point
  /// off the twist are invalid; the subgroup check is separate.
  static func decodeG2(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) throws(PrecompileError)
    -> G2Point
  {
    guard let x = decodeFp2(bytes, at: offset), let y = decodeFp2(bytes, at: offset + 128) else {
      throw .invalidInput
    }
    guard isOnG2Curve((x, y)) else { throw .invalidInput }
    return G2Point(affine: (x, y))
  }

  /// An Fp2 element as two 64-byte big-endian integers (c0 then c1).
  static func decodeFp2(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Fp2? {
    guard let c0 = Fp(bigEndian: bytes, at: offset, width: 64),
      let c1 = Fp(bigEndian: bytes, at: offset + 64, width: 64)
    else { return nil }
    return Fp2(c0, c1)
  }

  /// The 128-byte encoding of a G1 point (infinity as zeros).
  static func encodeG1(_ p: G1Point) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: 128)
    if p.isInfinity { return out }
    let (x, y) = p.affine
    x.write(to: &out, at: 0, width: 64)
    y.write(to: &out, at: 64, width: 64)
    return out
  }

  /// The 256-byte encoding of a G2 point (infinity as zeros).
  static func encodeG2(_ q: G2Point) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: 256)
    if q.isInfinity { return out }
    let (x, y) = q.affine
    x.c0.write(to: &out, at: 0, width: 64)
    x.c1.write(to: &out, at: 64, width: 64)
    y.c0.write(to: &out, at: 128, width: 64)
    y.c1.write(to: &out, at: 192, width: 64)
    return out
  }

  /// A 32-byte big-endian scalar as four limbs, least significant first.
  static func decodeScalar(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> [UInt64] {
    func word(_ i: Int) -> UInt64 {
      var w: UInt64 = 0
      for j in 0..<8 { w = w << 8 | UInt64(bytes[offset + 8 * i + j]) }
      return w
    }
    return [word(3), word(2), word(1), word(0)]
  }

  // MARK: - Multi-scalar multiplication

  /// `Σ k_i P_i` for affine, finite points and 256-bit scalars (four limbs,
  /// least significant first): Pippenger's bucket method, or the windowed
  /// single multiplication for one term.
  static func multiScalarMultiply<F: FieldArithmetic>(
    _ points: [(x: F, y: F)], _ scalars: [[UInt64]]
  )
    -> JacobianPoint<F>
  {
    precondition(points.count == scalars.count)
    if points.isEmpty { return .infinity }
    if points.count == 1 {
      return JacobianPoint(x: points[0].x, y: points[0].y, z: .one).multiplied(by: scalars[0])
    }
    let n = points.count
    // Window width ≈ log2(n) - 1, at least 2 (cost ≈ 256/c · (n + 2^(c+1))).
    var c = 2
    while c < 16 && (1 << (c + 2)) <= n { c += 1 }
    let windows = (256 + c - 1) / c
    let mask = UInt64((1 << c) - 1)
    var buckets = [JacobianPoint<F>](repeating: .infinity, count: 1 << c)
    var total = JacobianPoint<F>.infinity
    for window in stride(from: windows - 1, through: 0, by: -1) {
      for _ in 0..<c { total = total.doubled() }
      for b in buckets.indices { buckets[b] = .infinity }
      let bit = window * c
      let limb = bit / 64
      let shift = UInt64(bit % 64)
      for i in 0..<n {
        let s = scalars[i]
        var digit = s[limb] >> shift
        if shift + UInt64(c) > 64 && limb + 1 < 4 { digit |= s[limb + 1] << (64 - shift) }
        digit &= mask
        if digit != 0 {
          buckets[Int(digit)] = buckets[Int(digit)].adding(
            affineX: points[i].x, affineY: points[i].y)
        }
      }
      // Σ j · bucket[j] via running sums.
      var running = JacobianPoint<F>.infinity
      var windowSum = JacobianPoint<F>.infinity
      for j in stride(from: buckets.count - 1, through: 1, by: -1) {
        running = running + buckets[j]
        windowSum = windowSum + running
      }
      total = total + windowSum
    }
    return total
  }
}
