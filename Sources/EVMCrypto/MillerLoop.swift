// The Miller loop shared by the optimal ate pairings of BN254 and BLS12-381,
// used only through product checks `∏ e(P_i, Q_i) == 1`.
//
// G2 points are first turned into their line coefficients ("prepared"), so
// a fixed G2 point (as in KZG verification) can be prepared once. Lines are
// computed on the twist in homogeneous projective coordinates, without
// inversions, and each is scaled by an Fp2 factor: a proper-subfield
// element, which the final exponentiation kills.

/// A line through points of the twist before its evaluation at P:
/// `ℓ0 + ℓx x_P + ℓy y_P` with `ℓx = -xCoefficient`, `ℓy = yCoefficient`,
/// placed in Fp12 as the twist type dictates.
struct LineCoefficients<T: PairingTower>: Sendable {
  var constant: TowerFp2<T>
  var xCoefficient: TowerFp2<T>
  var yCoefficient: TowerFp2<T>
}

/// A G2 point's lines for the whole Miller loop, in the order the loop uses them.
struct PreparedG2<T: PairingTower>: Sendable {
  var lines: [LineCoefficients<T>]
}

/// A G2 point in homogeneous projective coordinates `(X / Z, Y / Z)`.
struct TwistPoint<T: PairingTower> {
  typealias Fp2 = TowerFp2<T>
  var x: Fp2
  var y: Fp2
  var z: Fp2

  /// The same point in Jacobian coordinates: `(X Z, Y Z^2, Z)`.
  var jacobian: JacobianPoint<Fp2> {
    let zz = z.squared()
    return JacobianPoint(x: x * z, y: y * zz, z: z)
  }

  /// Doubles the point and returns the tangent line at it: `Y^2 - 3b'Z^2`,
  /// `3X^2` (of -x_P), `2YZ` (of y_P). With E = 3b'Z^2 the double is
  /// `(2XY (Y^2 - 3E), (Y^2 + 3E)^2 - 12 E^2, 8 Y^3 Z)` (four times the
  /// usual affine-halved form, the same projective point).
  @inline(__always)
  mutating func double() -> LineCoefficients<T> {
    let yy = y.squared()
    let zz = z.squared()
    let xx = x.squared()
    let yz = y * z
    let bzz = T.mulByTwistB(zz)
    let e = bzz.doubled() + bzz
    let e3 = e.doubled() + e
    let line = LineCoefficients(
      constant: yy - e, xCoefficient: xx.doubled() + xx, yCoefficient: yz.doubled())
    let ee = e.squared()
    let x3 = (x * y).doubled() * (yy - e3)
    let y3 = (yy + e3).squared() - (ee.doubled() + ee).doubled().doubled()
    let z3 = (yy * yz).doubled().doubled().doubled()
    self = TwistPoint(x: x3, y: y3, z: z3)
    return line
  }

  /// Adds the affine point `q` and returns the chord through both:
  /// `θ x_Q - δ y_Q`, `θ` (of -x_P), `δ` (of y_P) with θ = y_Q Z - Y,
  /// δ = x_Q Z - X.
  @inline(__always)
  mutating func add(_ q: (x: Fp2, y: Fp2)) -> LineCoefficients<T> {
    let theta = q.y * z - y
    let delta = q.x * z - x
    let line = LineCoefficients(
      constant: theta * q.x - delta * q.y, xCoefficient: theta, yCoefficient: delta)
    let dd = delta.squared()
    let ddd = dd * delta
    let ddx = dd * x
    let a = theta.squared() * z - ddd - ddx.doubled()
    let x3 = delta * a
    let y3 = theta * (ddx - a) - ddd * y
    let z3 = ddd * z
    self = TwistPoint(x: x3, y: y3, z: z3)
    return line
  }
}

enum MillerLoop<T: PairingTower> {
  typealias Fp = MontgomeryField<T.BaseModulus>
  typealias Fp2 = TowerFp2<T>
  typealias Fp12 = TowerFp12<T>

  /// The lines of the loop over `digits` (signed binary, most significant
  /// first, without the leading 1) for the affine point `q`: a doubling line
  /// per digit and an addition line (of ±q) per nonzero digit. Returns the
  /// lines and the final point, from which a curve may add more lines.
  static func prepare(_ q: (x: Fp2, y: Fp2), digits: [Int8]) -> (
    lines: [LineCoefficients<T>], end: TwistPoint<T>
  ) {
    var t = TwistPoint<T>(x: q.x, y: q.y, z: .one)
    let negQ = (x: q.x, y: -q.y)
    var lines: [LineCoefficients<T>] = []
    lines.reserveCapacity(digits.count * 3 / 2 + 2)
    for digit in digits {
      lines.append(t.double())
      if digit == 1 {
        lines.append(t.add(q))
      } else if digit == -1 {
        lines.append(t.add(negQ))
      }
    }
    return (lines, t)
  }

  /// `f · ℓ(P)`, with `ℓ` placed as the twist type dictates.
  @inline(__always)
  static func multiply(_ f: Fp12, by line: LineCoefficients<T>, yP: Fp, negXP: Fp) -> Fp12 {
    let lx = line.xCoefficient * negXP
    let ly = line.yCoefficient * yP
    if T.isDTypeTwist {
      return f.mulByDTypeLine(ly, lx, line.constant)
    } else {
      return f.mulByMTypeLine(line.constant, lx, ly)
    }
  }

  /// Multiplies `ℓ(P)` into f. On a D-type twist lines are taken two at a
  /// time (``TowerFp12/mulByDTypeLines(_:_:)``, cheaper than one by one):
  /// an odd line waits in `pending` for the next, or for ``flush(_:_:)``.
  @inline(__always)
  static func absorb(
    _ f: inout Fp12, _ pending: inout (Fp2, Fp2, Fp2)?, _ line: LineCoefficients<T>, yP: Fp,
    negXP: Fp
  ) {
    guard T.isDTypeTwist else {
      f = multiply(f, by: line, yP: yP, negXP: negXP)
      return
    }
    let evaluated = (line.yCoefficient * yP, line.xCoefficient * negXP, line.constant)
    if let first = pending {
      f = f.mulByDTypeLines(first, evaluated)
      pending = nil
    } else {
      pending = evaluated
    }
  }

  /// Multiplies in a line left waiting by ``absorb(_:_:_:yP:negXP:)``.
  @inline(__always)
  static func flush(_ f: inout Fp12, _ pending: inout (Fp2, Fp2, Fp2)?) {
    if let (y, x, c) = pending { f = f.mulByDTypeLine(y, x, c) }
    pending = nil
  }

  /// `∏ f_i` over the pairs `(P_i, Q_i)`, sharing the squarings: each
  /// digit squares the accumulator once, then multiplies in every pair's
  /// doubling line and, for a nonzero digit, its addition line. Lines left
  /// over after the digits (such as BN's Frobenius additions) are
  /// multiplied in at the end.
  static func evaluate(
    _ pairs: [(p: (x: Fp, y: Fp), q: PreparedG2<T>)], digits: [Int8]
  ) -> Fp12 {
    let yP = pairs.map(\.p.y)
    let negXP = pairs.map { -$0.p.x }
    var f = Fp12.one
    var pending: (Fp2, Fp2, Fp2)? = nil
    var k = 0
    for (index, digit) in digits.enumerated() {
      if index > 0 { f = f.squared() }
      for i in pairs.indices {
        absorb(&f, &pending, pairs[i].q.lines[k], yP: yP[i], negXP: negXP[i])
        if digit != 0 {
          absorb(&f, &pending, pairs[i].q.lines[k + 1], yP: yP[i], negXP: negXP[i])
        }
      }
      flush(&f, &pending)
      k += digit != 0 ? 2 : 1
    }
    for i in pairs.indices {
      for line in pairs[i].q.lines[k...] {
        absorb(&f, &pending, line, yP: yP[i], negXP: negXP[i])
      }
    }
    flush(&f, &pending)
    return f
  }
}
