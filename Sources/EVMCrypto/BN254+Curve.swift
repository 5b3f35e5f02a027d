// The curves: G1 is y^2 = x^3 + 3 over Fp; G2 lives on the sextic (D-type)
// twist y^2 = x^3 + 3/ξ over Fp2.

extension BN254 {
  typealias G1Point = JacobianPoint<Fp>
  typealias G2Point = JacobianPoint<Fp2>

  /// b = 3 for G1.
  static let g1B = Fp(small: 3)

  /// b' = 3 / ξ for the twist.
  static var twistB: Fp2 { Tower.twistB }

  /// The group order r, least significant limb first.
  static let groupOrder: [UInt64] = [
    0x43e1_f593_f000_0001, 0x2833_e848_79b9_7091, 0xb850_45b6_8181_585d, 0x3064_4e72_e131_a029,
  ]

  /// Decodes a G1 point (64 bytes at `offset`: x, y big-endian); `(0, 0)` is
  /// infinity. Coordinates ≥ p or a point off the curve are invalid.
  static func decodeG1(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) throws(PrecompileError)
    -> (x: Fp, y: Fp)
  {
    guard let x = Fp(bigEndian: bytes, at: offset, width: 32),
      let y = Fp(bigEndian: bytes, at: offset + 32, width: 32)
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
    guard let xi = Fp(bigEndian: bytes, at: offset, width: 32),
      let xr = Fp(bigEndian: bytes, at: offset + 32, width: 32),
      let yi = Fp(bigEndian: bytes, at: offset + 64, width: 32),
      let yr = Fp(bigEndian: bytes, at: offset + 96, width: 32)
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
    let g = Tower.frobeniusGamma1
    return G2Point(x: q.x.conjugate * g.1, y: q.y.conjugate * g.2, z: q.z.conjugate)
  }

  /// Whether `r * Q` is the point at infinity, for Q on the twist.
  ///
  /// The Miller loop's last point is `α(Q)` minus its ψ³ term,
  /// `[6x+2]Q + ψ(Q) - ψ²(Q)`, with α = 6x + 2 + ψ - ψ² + ψ³ (the
  /// optimal-ate relation 6x + 2 + p - p² + p³ ≡ 0 mod r); so the test is
  /// that point against `-ψ³(Q)`, with no scalar multiplication of its own.
  /// It is exact: writing α = a + bψ with ψ² = tψ - p, r divides
  /// N(α) = a² + abt + b²p and gcd(N(α), 2p - r) = 1, so on E'(Fp2) (order
  /// r(2p - r)) α vanishes exactly on the order-r subgroup. A degenerate
  /// step of the loop (a point of small order) ends at infinity, which fails
  /// the comparison, as it should. ``isInG2SubgroupSlow(_:)`` is the direct
  /// test the unit tests compare against.
  static func isInG2Subgroup(_ q: (x: Fp2, y: Fp2)) -> Bool {
    isInG2Subgroup(q, millerLoopEnd: prepare(q).end)
  }

  /// The test above with the Miller loop's last point (from ``prepare(_:)``) at hand.
  static func isInG2Subgroup(_ q: (x: Fp2, y: Fp2), millerLoopEnd end: TwistPoint<Tower>) -> Bool {
    end.jacobian.isEqual(to: -psi(psi(psi(G2Point(affine: q)))))
  }

  /// `r * Q == O` computed directly (reference for tests).
  static func isInG2SubgroupSlow(_ q: (x: Fp2, y: Fp2)) -> Bool {
    G2Point(affine: q).multiplied(by: groupOrder).isInfinity
  }
}
