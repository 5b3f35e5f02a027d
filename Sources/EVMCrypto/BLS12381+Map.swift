// Mapping field elements to the groups (EIP-2537 MAP_FP_TO_G1 /
// MAP_FP2_TO_G2): the simplified SWU map of RFC 9380 §6.6.2 onto an isogenous
// curve, the 11-isogeny (G1) or 3-isogeny (G2) back to the target curve, and
// cofactor clearing by multiplication with h_eff (RFC 9380 §8.8).

/// The field operations the SWU map needs beyond `FieldArithmetic`.
protocol SWUField: FieldArithmetic {
  var isSquare: Bool { get }
  func squareRoot() -> Self?
  /// `sgn0` of RFC 9380 §4.1.
  var sgn0: Bool { get }
}

extension MontgomeryField: SWUField {
  var sgn0: Bool { isOdd }
}

extension TowerFp2: SWUField {}

extension BLS12381 {
  /// The simplified SWU map of `u` onto y^2 = x^3 + A x + B (A, B ≠ 0), with
  /// non-square `z` (RFC 9380 §6.6.2, non-constant-time form: the output is
  /// fully determined by the choice of root sign through sgn0).
  static func simplifiedSWU<F: SWUField>(_ u: F, a: F, b: F, z: F) -> (x: F, y: F) {
    let u2 = u.squared()
    let zu2 = z * u2
    let tv1 = zu2.squared() + zu2
    let x1: F
    if tv1.isZero {
      x1 = b * (z * a).inverse()
    } else {
      x1 = -b * a.inverse() * (F.one + tv1.inverse())
    }
    let gx1 = (x1.squared() + a) * x1 + b
    var x = x1
    var y: F
    if gx1.isSquare, let root = gx1.squareRoot() {
      y = root
    } else {
      x = zu2 * x1
      let gx2 = (x.squared() + a) * x + b
      // gx2 = z^3 u^6 gx1 is a square whenever gx1 is not.
      y = gx2.squareRoot() ?? .zero
    }
    if u.sgn0 != y.sgn0 { y = -y }
    return (x, y)
  }

  /// Σ k_i x^i (coefficients lowest degree first), by Horner's rule.
  static func evaluate<F: FieldArithmetic>(_ coefficients: [F], at x: F) -> F {
    var acc = coefficients[coefficients.count - 1]
    for i in stride(from: coefficients.count - 2, through: 0, by: -1) {
      acc = acc * x + coefficients[i]
    }
    return acc
  }

  /// A rational isogeny map `(x_num / x_den, y · y_num / y_den)`; a vanishing
  /// denominator maps to the point at infinity.
  static func isogeny<F: FieldArithmetic>(
    _ p: (x: F, y: F), xNum: [F], xDen: [F], yNum: [F], yDen: [F]
  ) -> JacobianPoint<F> {
    let xd = evaluate(xDen, at: p.x)
    let yd = evaluate(yDen, at: p.x)
    if xd.isZero || yd.isZero { return .infinity }
    let x = evaluate(xNum, at: p.x) * xd.inverse()
    let y = p.y * evaluate(yNum, at: p.x) * yd.inverse()
    return JacobianPoint(x: x, y: y, z: .one)
  }

  /// MAP_FP_TO_G1 on a decoded field element.
  static func mapToG1(_ u: Fp) -> G1Point {
    let p = simplifiedSWU(u, a: swuG1A, b: swuG1B, z: swuG1Z)
    let q = isogeny(p, xNum: iso11XNum, xDen: iso11XDen, yNum: iso11YNum, yDen: iso11YDen)
    // h_eff = 1 - x = 0xd201000000010001.
    return q.multiplied(by: [0xd201_0000_0001_0001])
  }

  /// MAP_FP2_TO_G2 on a decoded Fp2 element.
  static func mapToG2(_ u: Fp2) -> G2Point {
    let p = simplifiedSWU(u, a: swuG2A, b: swuG2B, z: swuG2Z)
    let q = isogeny(p, xNum: iso3XNum, xDen: iso3XDen, yNum: iso3YNum, yDen: iso3YDen)
    return q.multiplied(by: g2CofactorLimbs)
  }
}
