// The optimal ate pairing on BN254 (loop parameter 6x + 2 with
// x = 4965661367192848881), used only through the product check
// `∏ e(P_i, Q_i) == 1`.
//
// Lines are evaluated at P after untwisting ψ(x', y') = (x' w^2, y' w^3); each
// line is scaled by an Fp2 factor, which the final exponentiation removes
// (it kills every element of a proper subfield).

extension BN254 {
  /// One (P, Q) pair prepared for the Miller loop.
  struct PairingInput {
    /// y_P and -x_P of the G1 point.
    var yP: Fp
    var negXP: Fp
    /// Q (affine, on the twist) and its images π(Q) and -π²(Q).
    var q: (x: Fp2, y: Fp2)
    var negQ: (x: Fp2, y: Fp2)
    var q1: (x: Fp2, y: Fp2)
    var negQ2: (x: Fp2, y: Fp2)

    init(p: (x: Fp, y: Fp), q: (x: Fp2, y: Fp2)) {
      yP = p.y
      negXP = -p.x
      self.q = q
      negQ = (q.x, -q.y)
      let g1 = BN254.frobeniusGamma1
      q1 = (q.x.conjugate * g1.1, q.y.conjugate * g1.2)
      let g2 = BN254.frobeniusGamma2
      negQ2 = (q.x * g2.1, -(q.y * g2.2))
    }
  }

  /// A G2 point in homogeneous projective coordinates `(X / Z, Y / Z)`.
  struct TwistPoint {
    var x: Fp2
    var y: Fp2
    var z: Fp2
  }

  static let twistB3 = twistB + twistB + twistB
  static let twistB9 = twistB3 + twistB3 + twistB3
  static let fp108 = Fp(small: 108)

  /// Doubles `t` and returns the tangent line at `t` evaluated at P, as the
  /// coefficients of `1`, `w` and `w^3`: `2YZ y_P`, `-3X^2 x_P`, `Y^2 - 3b'Z^2`.
  @inline(__always)
  static func doublingStep(_ t: inout TwistPoint, _ pair: PairingInput) -> (Fp2, Fp2, Fp2) {
    let yy = t.y.squared()
    let zz = t.z.squared()
    let yz = t.y * t.z
    let xx = t.x.squared()
    let lineA = yz.doubled() * pair.yP
    let lineB = (xx.doubled() + xx) * pair.negXP
    let lineC = yy - twistB3 * zz
    // 4 × (XY/2 (Y² - 9b'Z²), ((Y² + 9b'Z²)/2)² - 27b'²Z⁴, 2Y³Z).
    let b9zz = twistB9 * zz
    let bzz = twistB * zz
    let x3 = (t.x * t.y).doubled() * (yy - b9zz)
    let y3 = (yy + b9zz).squared() - bzz.squared() * fp108
    let z3 = (yy * yz).doubled().doubled().doubled()
    t = TwistPoint(x: x3, y: y3, z: z3)
    return (lineA, lineB, lineC)
  }

  /// Adds the affine point `q` to `t` and returns the chord through them
  /// evaluated at P: `δ y_P`, `-θ x_P`, `θ x_Q - δ y_Q` with
  /// θ = y_Q Z - Y, δ = x_Q Z - X.
  @inline(__always)
  static func additionStep(_ t: inout TwistPoint, _ q: (x: Fp2, y: Fp2), _ pair: PairingInput) -> (
    Fp2, Fp2, Fp2
  ) {
    let theta = q.y * t.z - t.y
    let delta = q.x * t.z - t.x
    let lineA = delta * pair.yP
    let lineB = theta * pair.negXP
    let lineC = theta * q.x - delta * q.y
    let dd = delta.squared()
    let ddd = dd * delta
    let ddx = dd * t.x
    let a = theta.squared() * t.z - ddd - ddx.doubled()
    let x3 = delta * a
    let y3 = theta * (ddx - a) - ddd * t.y
    let z3 = ddd * t.z
    t = TwistPoint(x: x3, y: y3, z: z3)
    return (lineA, lineB, lineC)
  }

  /// 6x + 2 in non-adjacent form, most significant digit first, without the
  /// leading 1: 65 digits of which 21 are nonzero (the binary form has 36 ones
  /// after the leading one), so fewer addition steps.
  static let ateLoopNAF: [Int8] = {
    var k: UInt128 = 6 * 4_965_661_367_192_848_881 + 2
    var digits: [Int8] = []
    while k != 0 {
      if k & 1 == 1 {
        if k & 3 == 1 {
          digits.append(1)
          k -= 1
        } else {
          digits.append(-1)
          k += 1
        }
      } else {
        digits.append(0)
      }
      k >>= 1
    }
    return Array(digits.reversed().dropFirst())
  }()

  /// The product of the Miller loops of all pairs, sharing the squarings.
  static func millerLoop(_ pairs: [PairingInput]) -> Fp12 {
    var f = Fp12.one
    var ts = pairs.map { TwistPoint(x: $0.q.x, y: $0.q.y, z: .one) }
    for digit in ateLoopNAF {
      f = f.squared()
      for i in pairs.indices {
        let l = doublingStep(&ts[i], pairs[i])
        f = f.mulByLine(l.0, l.1, l.2)
        if digit != 0 {
          let m = additionStep(&ts[i], digit == 1 ? pairs[i].q : pairs[i].negQ, pairs[i])
          f = f.mulByLine(m.0, m.1, m.2)
        }
      }
    }
    for i in pairs.indices {
      let l1 = additionStep(&ts[i], pairs[i].q1, pairs[i])
      f = f.mulByLine(l1.0, l1.1, l1.2)
      let l2 = additionStep(&ts[i], pairs[i].negQ2, pairs[i])
      f = f.mulByLine(l2.0, l2.1, l2.2)
    }
    return f
  }

  /// x = 4965661367192848881 in non-adjacent form, most significant digit
  /// first, without the leading 1 (23 nonzero digits where binary has 27 ones).
  static let xNAF: [Int8] = {
    var k = Int64(4_965_661_367_192_848_881)
    var digits: [Int8] = []
    while k != 0 {
      var d: Int64 = 0
      if k & 1 == 1 {
        d = 2 - (k & 3)
        k -= d
      }
      digits.append(Int8(d))
      k >>= 1
    }
    return Array(digits.reversed().dropFirst())
  }()

  /// `f^x` for f in the cyclotomic subgroup (where the inverse is the conjugate).
  static func expByX(_ f: Fp12) -> Fp12 {
    let inverse = f.conjugate
    var result = f
    for digit in xNAF {
      result = result.cyclotomicSquared()
      if digit == 1 {
        result = result * f
      } else if digit == -1 {
        result = result * inverse
      }
    }
    return result
  }

  /// `f^((p^12 - 1) / r)`.
  ///
  /// Easy part `(p^6 - 1)(p^2 + 1)`, then the hard part `(p^4 - p^2 + 1) / r`
  /// written in base p as λ0 + λ1 p + λ2 p² + p³ with λ2 = 6x² + 1,
  /// λ1 = -36x³ - 18x² - 12x + 1, λ0 = -36x³ - 30x² - 18x - 2.
  static func finalExponentiation(_ input: Fp12) -> Fp12 {
    var f = input.conjugate * input.inverse()
    f = f.frobenius2() * f
    // From here f is unitary: its inverse is its conjugate.
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

  /// Whether `∏ e(P_i, Q_i) == 1`.
  static func pairingProductIsOne(_ pairs: [PairingInput]) -> Bool {
    if pairs.isEmpty { return true }
    return finalExponentiation(millerLoop(pairs)) == .one
  }
}
