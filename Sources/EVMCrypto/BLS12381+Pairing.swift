// The optimal ate pairing on BLS12-381 (loop parameter x = -0xd201000000010000),
// used only through the product check `∏ e(P_i, Q_i) == 1`.
//
// G2 lives on the M-type twist y^2 = x^3 + 4ξ; untwisting is
// ψ(x', y') = (x' / w^2, y' / w^3). A line through twist points with slope
// λ', evaluated at P and multiplied by w^3, is
// `(λ' x_T - y_T) - λ' x_P w^2 + y_P w^3`; every line is further scaled by
// an Fp2 factor. Both factors lie in proper subfields of Fp12, which the
// final exponentiation kills. The loop itself is the shared `MillerLoop`.

extension BLS12381 {
  /// The binary digits of |x| after the leading one (63 digits, 5 ones).
  static let absXDigits: [Int8] = binaryDigits(absX)

  /// The Miller-loop lines of the affine twist point `q`.
  static func prepare(_ q: (x: Fp2, y: Fp2)) -> PreparedG2<Tower> {
    PreparedG2(lines: MillerLoop<Tower>.prepare(q, digits: absXDigits).lines)
  }

  /// The product of the Miller loops f_{|x|, Q_i}(P_i) over prepared G2
  /// points, conjugated because x is negative.
  static func millerLoop(_ pairs: [(p: (x: Fp, y: Fp), q: PreparedG2<Tower>)]) -> Fp12 {
    MillerLoop<Tower>.evaluate(pairs, digits: absXDigits).conjugate
  }

  /// The product of the Miller loops for affine, finite pairs.
  static func millerLoop(_ pairs: [(p: (x: Fp, y: Fp), q: (x: Fp2, y: Fp2))]) -> Fp12 {
    millerLoop(pairs.map { ($0.p, prepare($0.q)) })
  }

  /// `f^x` (x negative) for f in the cyclotomic subgroup.
  static func expByX(_ f: Fp12) -> Fp12 { f.cyclotomicPower(digits: absXDigits).conjugate }

  /// `f^(3 (p^12 - 1) / r)`: the cube of the final exponentiation, which
  /// equals one exactly when the true one does (gcd(3, r) = 1).
  ///
  /// Easy part `(p^6 - 1)(p^2 + 1)`; hard part from the identity
  /// `3 (p^4 - p^2 + 1) / r = (x - 1)^2 (x + p) (x^2 + p^2 - 1) + 3`.
  static func finalExponentiation(_ input: Fp12) -> Fp12 {
    let f = input.easyPartOfFinalExponentiation()
    let a = expByX(f) * f.conjugate  // f^(x-1)
    let b = expByX(a) * a.conjugate  // f^((x-1)^2)
    let c = expByX(b) * b.frobenius()  // b^(x+p)
    let d = expByX(expByX(c)) * c.frobenius2() * c.conjugate  // c^(x^2+p^2-1)
    return d * f.cyclotomicSquared() * f
  }

  /// Whether `∏ e(P_i, Q_i) == 1` over finite pairs with prepared G2 points.
  static func pairingProductIsOne(_ pairs: [(p: (x: Fp, y: Fp), q: PreparedG2<Tower>)]) -> Bool {
    if pairs.isEmpty { return true }
    return finalExponentiation(millerLoop(pairs)) == .one
  }

  /// Whether `∏ e(P_i, Q_i) == 1` over finite pairs.
  static func pairingProductIsOne(_ pairs: [(p: (x: Fp, y: Fp), q: (x: Fp2, y: Fp2))]) -> Bool {
    pairingProductIsOne(pairs.map { ($0.p, prepare($0.q)) })
  }
}
