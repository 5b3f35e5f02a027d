// The curves: G1 is y^2 = x^3 + 3 over Fp; G2 lives on the sextic (D-type)
// twist y^2 = x^3 + 3/ξ over Fp2.

extension BN254 {
  /// A point in Jacobian coordinates, `(X / Z^2, Y / Z^3)`, on y^2 = x^3 + b
  /// over `F` (the formulas use only a = 0). `Z = 0` is the point at infinity.
  struct JacobianPoint<F: BNField> {
    var x: F
    var y: F
    var z: F

    static var infinity: JacobianPoint { JacobianPoint(x: .one, y: .one, z: .zero) }

    init(x: F, y: F, z: F) {
      self.x = x
      self.y = y
      self.z = z
    }

    /// From affine coordinates; `(0, 0)` encodes infinity.
    init(affineX: F, affineY: F) {
      if affineX.isZero && affineY.isZero {
        self = .infinity
      } else {
        self.init(x: affineX, y: affineY, z: .one)
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

    /// Doubling for a = 0 (the "dbl-2009-l" sequence).
    func doubled() -> JacobianPoint {
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
      return JacobianPoint(x: x3, y: y3, z: z3)
    }

    /// General addition ("add-2007-bl"), falling back to doubling for equal inputs.
    static func + (p: JacobianPoint, q: JacobianPoint) -> JacobianPoint {
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
      return JacobianPoint(x: x3, y: y3, z: z3)
    }

    /// Equality of the represented points (Jacobian representations differ by Z scaling).
    func isEqual(to other: JacobianPoint) -> Bool {
      if isInfinity || other.isInfinity { return isInfinity && other.isInfinity }
      let z1z1 = z.squared()
      let z2z2 = other.z.squared()
      return x * z2z2 == other.x * z1z1 && y * z2z2 * other.z == other.y * z1z1 * z
    }

    static prefix func - (p: JacobianPoint) -> JacobianPoint {
      JacobianPoint(x: p.x, y: -p.y, z: p.z)
    }

    /// `k * self` for a 256-bit scalar given as four limbs, least significant
    /// first; a fixed 4-bit window.
    func multiplied(by k: (UInt64, UInt64, UInt64, UInt64)) -> JacobianPoint {
      if isInfinity || (k.0 | k.1 | k.2 | k.3) == 0 { return .infinity }
      var table = [JacobianPoint](repeating: .infinity, count: 16)
      table[1] = self
      for i in 2..<16 { table[i] = i % 2 == 0 ? table[i / 2].doubled() : table[i - 1] + self }
      let limbs = [k.3, k.2, k.1, k.0]
      var acc = JacobianPoint.infinity
      for limb in limbs {
        for shift in stride(from: 60, through: 0, by: -4) {
          acc = acc.doubled().doubled().doubled().doubled()
          let nibble = Int((limb >> UInt64(shift)) & 0xf)
          if nibble != 0 { acc = acc + table[nibble] }
        }
      }
      return acc
    }
  }

  typealias G1Point = JacobianPoint<Fp>
  typealias G2Point = JacobianPoint<Fp2>

  /// b = 3 for G1.
  static let g1B = Fp(small: 3)

  /// b' = 3 / ξ for the twist.
  static let twistB = Fp2(
    Fp(0x3bf9_38e3_77b8_02a8, 0x020b_1b27_3633_535d, 0x26b7_edf0_4975_5260, 0x2514_c632_4384_a86d),
    Fp(0x38e7_eccc_d1dc_ff67, 0x65f0_b37d_93ce_0d3e, 0xd749_d0dd_22ac_00aa, 0x0141_b9ce_4a68_8d4d))

  /// The group order r, least significant limb first.
  static let groupOrder: (UInt64, UInt64, UInt64, UInt64) = (
    0x43e1_f593_f000_0001, 0x2833_e848_79b9_7091, 0xb850_45b6_8181_585d, 0x3064_4e72_e131_a029
  )

  /// Decodes a G1 point (64 bytes at `offset`: x, y big-endian); `(0, 0)` is
  /// infinity. Coordinates ≥ p or a point off the curve are invalid.
  static func decodeG1(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) throws(PrecompileError)
    -> (x: Fp, y: Fp)
  {
    guard let x = Fp(bigEndian: bytes, at: offset), let y = Fp(bigEndian: bytes, at: offset + 32)
    else { throw .invalidInput }
    if x.isZero && y.isZero { return (x, y) }
    guard y.squared() == x.squared() * x + g1B else { throw .invalidInput }
    return (x, y)
  }

  /// Decodes a G2 point (128 bytes at `offset`: x_imaginary, x_real,
  /// y_imaginary, y_real, big-endian); all zeros is infinity. Coordinates ≥ p
  /// or a point off the twist are invalid; the subgroup check is separate.
  static func decodeG2(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) throws(PrecompileError)
    -> (x: Fp2, y: Fp2)
  {
    guard let xi = Fp(bigEndian: bytes, at: offset), let xr = Fp(bigEndian: bytes, at: offset + 32),
      let yi = Fp(bigEndian: bytes, at: offset + 64), let yr = Fp(bigEndian: bytes, at: offset + 96)
    else { throw .invalidInput }
    let x = Fp2(xr, xi)
    let y = Fp2(yr, yi)
    if x.isZero && y.isZero { return (x, y) }
    guard y.squared() == x.squared() * x + twistB else { throw .invalidInput }
    return (x, y)
  }

  /// The endomorphism ψ = untwist ∘ Frobenius ∘ twist of the twist curve, in
  /// Jacobian coordinates: `(X̄ γ_{1,2}, Ȳ γ_{1,3}, Z̄)`. On G2 it acts as
  /// multiplication by p.
  static func psi(_ q: G2Point) -> G2Point {
    let g = frobeniusGamma1
    return G2Point(x: q.x.conjugate * g.1, y: q.y.conjugate * g.2, z: q.z.conjugate)
  }

  /// Whether `r * Q` is the point at infinity, for Q on the twist.
  ///
  /// Uses the equivalent test `[x+1]Q + ψ([x]Q) + ψ²([x]Q) == ψ³([2x]Q)`
  /// (Dai, Lin, Zhao, Zhou, ePrint 2022/348), which needs one 63-bit scalar
  /// multiplication instead of a 254-bit one. It is exact: writing the test as
  /// α = a + bψ with ψ² = tψ - p, r divides N(α) = a² + abt + b²p and
  /// gcd(N(α), 2p - r) = 1, so on E'(Fp2) (order r(2p - r)) α vanishes
  /// exactly on the order-r subgroup. ``isInG2SubgroupSlow(_:)`` is the
  /// direct test the unit tests compare against.
  static func isInG2Subgroup(_ q: (x: Fp2, y: Fp2)) -> Bool {
    let point = G2Point(affineX: q.x, affineY: q.y)
    let xq = point.multiplied(by: (4_965_661_367_192_848_881, 0, 0, 0))
    let psiXQ = psi(xq)
    let lhs = xq + point + psiXQ + psi(psiXQ)
    let rhs = psi(psi(psi(xq.doubled())))
    return lhs.isEqual(to: rhs)
  }

  /// `r * Q == O` computed directly (reference for tests).
  static func isInG2SubgroupSlow(_ q: (x: Fp2, y: Fp2)) -> Bool {
    G2Point(affineX: q.x, affineY: q.y).multiplied(by: groupOrder).isInfinity
  }
}
