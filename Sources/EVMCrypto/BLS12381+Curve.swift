// The curves: G1 is y^2 = x^3 + 4 over Fp; G2 lives on the sextic M-type
// twist y^2 = x^3 + 4 (1 + u) over Fp2. Points in Jacobian coordinates,
// subgroup checks by endomorphisms, and Pippenger multi-scalar multiplication.

extension BLS12381 {
  /// A point in Jacobian coordinates, `(X / Z^2, Y / Z^3)`, on y^2 = x^3 + b
  /// over `F` (the formulas use only a = 0). `Z = 0` is the point at infinity.
  struct Point<F: BNField> {
    var x: F
    var y: F
    var z: F

    static var infinity: Point { Point(x: .one, y: .one, z: .zero) }

    @inline(__always)
    init(x: F, y: F, z: F) {
      self.x = x
      self.y = y
      self.z = z
    }

    /// From affine coordinates; `(0, 0)` encodes infinity.
    init(affine: (x: F, y: F)) {
      if affine.x.isZero && affine.y.isZero {
        self = .infinity
      } else {
        self.init(x: affine.x, y: affine.y, z: .one)
      }
    }

    var isInfinity: Bool { z.isZero }

    /// `(x, y)`, with `(0, 0)` for infinity. One field inversion.
    var affine: (x: F, y: F) {
      if isInfinity { return (.zero, .zero) }
      let zi = z.inverse()
      let zi2 = zi.squared()
      return (x * zi2, y * zi2 * zi)
    }

    /// Whether both represent the same point (cross-multiplied, no inversion).
    func isEqual(to q: Point) -> Bool {
      if isInfinity || q.isInfinity { return isInfinity && q.isInfinity }
      let z1z1 = z.squared()
      let z2z2 = q.z.squared()
      return x * z2z2 == q.x * z1z1 && y * z2z2 * q.z == q.y * z1z1 * z
    }

    /// Doubling for a = 0 (the "dbl-2009-l" sequence).
    @inline(__always)
    func doubled() -> Point {
      if isInfinity { return self }
      let a = x.squared()
      let b = y.squared()
      let c = b.squared()
      let d = ((x + b).squared() - a - c).doubled()
      let e = a.doubled() + a
      let f = e.squared()
      let x3 = f - d.doubled()
      let y3 = e * (d - x3) - c.doubled().doubled().doubled()
      let z3 = (y * z).doubled()
      return Point(x: x3, y: y3, z: z3)
    }

    /// General addition ("add-2007-bl"), falling back to doubling for equal inputs.
    static func + (p: Point, q: Point) -> Point {
      if p.isInfinity { return q }
      if q.isInfinity { return p }
      let z1z1 = p.z.squared()
      let z2z2 = q.z.squared()
      let u1 = p.x * z2z2
      let u2 = q.x * z1z1
      let s1 = p.y * q.z * z2z2
      let s2 = q.y * p.z * z1z1
      let h = u2 - u1
      let r = (s2 - s1).doubled()
      if h.isZero {
        return r.isZero ? p.doubled() : .infinity
      }
      let i = h.doubled().squared()
      let j = h * i
      let v = u1 * i
      let x3 = r.squared() - j - v.doubled()
      let y3 = r * (v - x3) - (s1 * j).doubled()
      let z3 = ((p.z + q.z).squared() - z1z1 - z2z2) * h
      return Point(x: x3, y: y3, z: z3)
    }

    /// Mixed addition of an affine point (not infinity) ("madd-2007-bl").
    @inline(__always)
    func adding(affineX qx: F, affineY qy: F) -> Point {
      if isInfinity { return Point(x: qx, y: qy, z: .one) }
      let z1z1 = z.squared()
      let u2 = qx * z1z1
      let s2 = qy * z * z1z1
      let h = u2 - x
      let r = (s2 - y).doubled()
      if h.isZero {
        return r.isZero ? doubled() : .infinity
      }
      let hh = h.squared()
      let i = hh.doubled().doubled()
      let j = h * i
      let v = x * i
      let x3 = r.squared() - j - v.doubled()
      let y3 = r * (v - x3) - (y * j).doubled()
      let z3 = (z + h).squared() - z1z1 - hh
      return Point(x: x3, y: y3, z: z3)
    }

    static prefix func - (p: Point) -> Point { Point(x: p.x, y: -p.y, z: p.z) }

    /// `k * self` for a scalar of any length given as limbs, least
    /// significant first; a fixed 4-bit window.
    func multiplied(by k: [UInt64]) -> Point {
      if isInfinity || k.allSatisfy({ $0 == 0 }) { return .infinity }
      var table = [Point](repeating: .infinity, count: 16)
      table[1] = self
      for i in 2..<16 { table[i] = i % 2 == 0 ? table[i / 2].doubled() : table[i - 1] + self }
      var acc = Point.infinity
      var started = false
      for limb in k.reversed() {
        for shift in stride(from: 60, through: 0, by: -4) {
          if started { acc = acc.doubled().doubled().doubled().doubled() }
          let nibble = Int((limb >> UInt64(shift)) & 0xf)
          if nibble != 0 {
            acc = acc + table[nibble]
            started = true
          }
        }
      }
      return acc
    }

    /// `|x| * self` for the curve parameter |x| = 0xd201000000010000
    /// (double-and-add: 63 doublings, 5 additions).
    func multipliedByAbsX() -> Point {
      var acc = self
      for bit in stride(from: 62, through: 0, by: -1) {
        acc = acc.doubled()
        if (BLS12381.absX >> UInt64(bit)) & 1 == 1 { acc = acc + self }
      }
      return acc
    }
  }

  typealias G1Point = Point<Fp>
  typealias G2Point = Point<Fp2>

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
    let phi = G1Point(x: p.x * g1Beta, y: p.y, z: p.z)
    let x2P = p.multipliedByAbsX().multipliedByAbsX()
    return phi.isEqual(to: -x2P)
  }

  /// Whether a point on the twist lies in the order-r subgroup: Scott's test
  /// ψ(Q) = [x] Q (x negative, so `-[|x|] Q`).
  static func isInG2Subgroup(_ q: G2Point) -> Bool {
    if q.isInfinity { return true }
    return psi(q).isEqual(to: -q.multipliedByAbsX())
  }

  /// The untwist–Frobenius–twist endomorphism ψ on Jacobian coordinates.
  static func psi(_ q: G2Point) -> G2Point {
    G2Point(x: q.x.conjugate * psiX, y: q.y.conjugate * psiY, z: q.z.conjugate)
  }

  /// Reference subgroup test `r * P == O`, for cross-checking the fast ones.
  static func isInSubgroupByOrder<F: BNField>(_ p: Point<F>) -> Bool {
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
  static func multiScalarMultiply<F: BNField>(_ points: [(x: F, y: F)], _ scalars: [[UInt64]])
    -> Point<F>
  {
    precondition(points.count == scalars.count)
    if points.isEmpty { return .infinity }
    if points.count == 1 {
      return Point(x: points[0].x, y: points[0].y, z: .one).multiplied(by: scalars[0])
    }
    let n = points.count
    // Window width ≈ log2(n) - 1, at least 2 (cost ≈ 256/c · (n + 2^(c+1))).
    var c = 2
    while c < 16 && (1 << (c + 2)) <= n { c += 1 }
    let windows = (256 + c - 1) / c
    let mask = UInt64((1 << c) - 1)
    var buckets = [Point<F>](repeating: .infinity, count: 1 << c)
    var total = Point<F>.infinity
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
      var running = Point<F>.infinity
      var windowSum = Point<F>.infinity
      for j in stride(from: buckets.count - 1, through: 1, by: -1) {
        running = running + buckets[j]
        windowSum = windowSum + running
      }
      total = total + windowSum
    }
    return total
  }
}
