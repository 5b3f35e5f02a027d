// The optimal ate pairing on BN254 (loop parameter 6x + 2 with
// x = 4965661367192848881), used only through the product check
// `∏ e(P_i, Q_i) == 1`. The loop itself is the shared `MillerLoop`; BN adds
// the lines through π(Q) and -π²(Q) and its own final exponentiation.

extension BN254 {
  /// x = 4965661367192848881, the BN parameter.
  static let x: UInt64 = 4_965_661_367_192_848_881

  /// 6x + 2 in non-adjacent form, most significant digit first, without the
  /// leading 1: 65 digits of which 21 are nonzero (the binary form has 36 ones
  /// after the leading one), so fewer addition steps.
  static let ateLoopNAF: [Int8] = nonAdjacentForm(6 * UInt128(x) + 2)

  /// The Miller-loop lines of the affine twist point `q`: the loop over
  /// ``ateLoopNAF``, then additions of π(Q) and -π²(Q); and the last point,
  /// `[6x+2]Q + π(Q) - π²(Q)`.
  static func prepare(_ q: (x: Fp2, y: Fp2)) -> (lines: PreparedG2<Tower>, end: TwistPoint<Tower>) {
    var (lines, t) = MillerLoop<Tower>.prepare(q, digits: ateLoopNAF)
    let g1 = Tower.frobeniusGamma1
    let g2 = Tower.frobeniusGamma2
    lines.append(t.add((q.x.conjugate * g1.1, q.y.conjugate * g1.2)))
    lines.append(t.add((q.x * g2.1, -(q.y * g2.2))))
    return (PreparedG2(lines: lines), t)
  }

  /// The product of the Miller loops of all pairs (prepared G2 points).
  static func millerLoop(_ pairs: [(p: (x: Fp, y: Fp), q: PreparedG2<Tower>)]) -> Fp12 {
    MillerLoop<Tower>.evaluate(pairs, digits: ateLoopNAF)
  }

  /// The product of the Miller loops of all pairs (affine, finite points).
  static func millerLoop(_ pairs: [(p: (x: Fp, y: Fp), q: (x: Fp2, y: Fp2))]) -> Fp12 {
    millerLoop(pairs.map { ($0.p, prepare($0.q).lines) })
  }

  /// x in width-4 non-adjacent form (digits ±1, ±3, ±5, ±7): 14 nonzero
  /// digits, where the plain non-adjacent form has 23.
  static let xWindowedNAF: [Int8] = windowedNonAdjacentForm(UInt128(x), width: 4)

  /// `f^x` for f in the cyclotomic subgroup.
  static func expByX(_ f: Fp12) -> Fp12 { f.cyclotomicPower(digits: xWindowedNAF) }

  /// `f^((p^12 - 1) / r)`.
  ///
  /// Easy part `(p^6 - 1)(p^2 + 1)`, then the hard part `(p^4 - p^2 + 1) / r`
  /// written in base p as λ0 + λ1 p + λ2 p² + p³ with λ2 = 6x² + 1,
  /// λ1 = -36x³ - 18x² - 12x + 1, λ0 = -36x³ - 30x² - 18x - 2.
  static func finalExponentiation(_ input: Fp12) -> Fp12 {
    let f = input.easyPartOfFinalExponentiation()
    let a = expByX(f)
    let b = expByX(a)
    let c = expByX(b)
    let a2 = a.cyclotomicSquared()
    let a4 = a2.cyclotomicSquared()
    let a8 = a4.cyclotomicSquared()
    let a12 = a8 * a4
    let a18 = a8.cyclotomicSquared() * a2
    let b2 = b.cyclotomicSquared()
    let b4 = b2.cyclotomicSquared()
    let b8 = b4.cyclotomicSquared()
    let b6 = b4 * b2
    let b18 = b8.cyclotomicSquared() * b2
    let b30 = b18 * b8 * b4
    let c4 = c.cyclotomicSquared().cyclotomicSquared()
    let c36 = c4.cyclotomicSquared().cyclotomicSquared().cyclotomicSquared() * c4
    let y0 = (c36 * b30 * a18 * f.cyclotomicSquared()).conjugate
    let y1 = (c36 * b18 * a12).conjugate * f
    let y2 = b6 * f
    return y0 * y1.frobenius() * y2.frobenius2() * f.frobenius3()
  }

  /// Whether `∏ e(P_i, Q_i) == 1` over finite pairs with prepared G2 points.
  static func pairingProductIsOne(_ pairs: [(p: (x: Fp, y: Fp), q: PreparedG2<Tower>)]) -> Bool {
    if pairs.isEmpty { return true }
    return finalExponentiation(millerLoop(pairs)) == .one
  }
}
