// The optimal ate pairing on BLS12-381 (loop parameter x = -0xd201000000010000),
// used only through the product check `∏ e(P_i, Q_i) == 1`.
//
// G2 lives on the M-type twist y^2 = x^3 + 4ξ; untwisting is
// ψ(x', y') = (x' / w^2, y' / w^3). A line through twist points with slope
// λ', evaluated at P and multiplied by w^3, is
// `(λ' x_T - y_T) - λ' x_P w^2 + y_P w^3`; every line is further scaled by
// an Fp2 factor. Both factors lie in proper subfields of Fp12, which the
// final exponentiation kills.

extension BLS12381 {
  /// One (P, Q) pair prepared for the Miller loop (both finite, affine).
  struct PairingInput {
    var yP: Fp
    var negXP: Fp
    var q: (x: Fp2, y: Fp2)

    init(p: (x: Fp, y: Fp), q: (x: Fp2, y: Fp2)) {
      yP = p.y
      negXP = -p.x
      self.q = q
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
  /// coefficients of `1`, `w^2` and `w^3`: `Y^2 - 3b'Z^2`, `-3X^2 x_P`, `2YZ y_P`.
  @inline(__always)
  static func doublingStep(_ t: inout TwistPoint, _ pair: PairingInput) -> (Fp2, Fp2, Fp2) {
    let yy = t.y.squared()
    let zz = t.z.squared()
    let yz = t.y * t.z
    let xx = t.x.squared()
    let lineA = yy - twistB3 * zz
    let lineB = (xx.doubled() + xx) * pair.negXP
    let lineC = yz.doubled() * pair.yP
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
  /// evaluated at P: `θ x_Q - δ y_Q`, `-θ x_P`, `δ y_P` with
  /// θ = y_Q Z - Y, δ = x_Q Z - X.
  @inline(__always)
  static func additionStep(_ t: inout TwistPoint, _ q: (x: Fp2, y: Fp2), _ pair: PairingInput) -> (
    Fp2, Fp2, Fp2
  ) {
    let theta = q.y * t.z - t.y
    let delta = q.x * t.z - t.x
    let lineA = theta * q.x - delta * q.y
    let lineB = theta * pair.negXP
    let lineC = delta * pair.yP
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

  /// The product of the Miller loops f_{|x|, Q_i}(P_i), sharing the
  /// squarings, conjugated because x is negative.
  static func millerLoop(_ pairs: [PairingInput]) -> Fp12 {
    var f = Fp12.one
    var ts = pairs.map { TwistPoint(x: $0.q.x, y: $0.q.y, z: .one) }
    var first = true
    for bit in stride(from: 62, through: 0, by: -1) {
      if !first { f = f.squared() }
      first = false
      for i in pairs.indices {
        let l = doublingStep(&ts[i], pairs[i])
        f = f.mulByLine(l.0, l.1, l.2)
        if (absX >> UInt64(bit)) & 1 == 1 {
          let m = additionStep(&ts[i], pairs[i].q, pairs[i])
          f = f.mulByLine(m.0, m.1, m.2)
        }
      }
    }
    return f.conjugate
  }

  /// `f^x` (x negative) for f in the cyclotomic subgroup.
  static func expByX(_ f: Fp12) -> Fp12 {
    var result = f
    for bit in stride(from: 62, through: 0, by: -1) {
      result = result.cyclotomicSquared()
      if (absX >> UInt64(bit)) & 1 == 1 { result = result * f }
    }
    return result.conjugate
  }

  /// `f^(3 (p^12 - 1) / r)`: the cube of the final exponentiation, which
  /// equals one exactly when the true one does (gcd(3, r) = 1).
  ///
  /// Easy part `(p^6 - 1)(p^2 + 1)`; hard part from the identity
  /// `3 (p^4 - p^2 + 1) / r = (x - 1)^2 (x + p) (x^2 + p^2 - 1) + 3`.
  static func finalExponentiation(_ input: Fp12) -> Fp12 {
    var f = input.conjugate * input.inverse()
    f = f.frobenius2() * f
    // From here f is unitary: its inverse is its conjugate.
    let a = expByX(f) * f.conjugate  // f^(x-1)
    let b = expByX(a) * a.conjugate  // f^((x-1)^2)
    let c = expByX(b) * b.frobenius()  // b^(x+p)
    let d = expByX(expByX(c)) * c.frobenius2() * c.conjugate  // c^(x^2+p^2-1)
    return d * f.cyclotomicSquared() * f
  }

  /// Whether `∏ e(P_i, Q_i) == 1` over finite pairs.
  static func pairingProductIsOne(_ pairs: [PairingInput]) -> Bool {
    if pairs.isEmpty { return true }
    return finalExponentiation(millerLoop(pairs)) == .one
  }
}
