// Short-Weierstrass points y^2 = x^3 + b (a = 0) over any field of the
// towers: G1 over Fp and G2 (on the twist) over Fp2, for both curves.

/// A point in Jacobian coordinates, `(X / Z^2, Y / Z^3)`, on y^2 = x^3 + b
/// over `F` (the formulas use only a = 0). `Z = 0` is the point at infinity.
struct JacobianPoint<F: FieldArithmetic>: Sendable {
  var x: F
  var y: F
  var z: F

  static var infinity: JacobianPoint { JacobianPoint(x: .one, y: .one, z: .zero) }

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
  func isEqual(to q: JacobianPoint) -> Bool {
    if isInfinity || q.isInfinity { return isInfinity && q.isInfinity }
    let z1z1 = z.squared()
    let z2z2 = q.z.squared()
    return x * z2z2 == q.x * z1z1 && y * z2z2 * q.z == q.y * z1z1 * z
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

  /// Mixed addition of an affine point (not infinity) ("madd-2007-bl").
  func adding(affineX qx: F, affineY qy: F) -> JacobianPoint {
    if isInfinity { return JacobianPoint(x: qx, y: qy, z: .one) }
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
    return JacobianPoint(x: x3, y: y3, z: z3)
  }

  static prefix func - (p: JacobianPoint) -> JacobianPoint {
    JacobianPoint(x: p.x, y: -p.y, z: p.z)
  }

  /// `k * self` for a scalar of any length given as limbs, least
  /// significant first; a fixed 4-bit window.
  func multiplied(by k: [UInt64]) -> JacobianPoint {
    JacobianPoint.sumOfMultiples([self], [k])
  }

  /// `Σ k_i P_i` by Straus's method: each scalar in width-5 non-adjacent
  /// form, a table of odd multiples (P, 3P, ..., 15P) per point, and the
  /// doublings shared (for a few points; Pippenger's method pays for many).
  static func sumOfMultiples(_ points: [JacobianPoint], _ scalars: [[UInt64]]) -> JacobianPoint {
    precondition(points.count == scalars.count)
    let width = 5
    let digits = scalars.map { signedWindowDigits($0, width: width) }
    var tables: [[JacobianPoint]] = []
    for p in points {
      let twice = p.doubled()
      var table = [p]
      for _ in 1..<(1 << (width - 2)) { table.append(table[table.count - 1] + twice) }
      tables.append(table)
    }
    var acc = JacobianPoint.infinity
    for position in stride(from: (digits.map(\.count).max() ?? 0) - 1, through: 0, by: -1) {
      acc = acc.doubled()
      for i in points.indices where position < digits[i].count {
        let d = digits[i][position]
        if d > 0 {
          acc = acc + tables[i][Int(d) / 2]
        } else if d < 0 {
          acc = acc + -tables[i][Int(-d) / 2]
        }
      }
    }
    return acc
  }

  /// `k * self` for a 64-bit scalar by double-and-add (for sparse curve
  /// parameters such as |x| of BLS12-381: 63 doublings, 5 additions).
  func multiplied(bySmall k: UInt64) -> JacobianPoint {
    if k == 0 { return .infinity }
    return multiplied(byDigits: binaryDigits(k))
  }

  /// `k * self` for `k` given by signed binary digits (most significant
  /// first, without the leading 1): a doubling per digit and an addition of
  /// ±self per nonzero digit, mixed (cheaper) when self is affine (Z = 1).
  func multiplied(byDigits digits: [Int8]) -> JacobianPoint {
    if isInfinity { return self }
    let isAffine = z == .one
    let negated = -self
    var acc = self
    for digit in digits {
      acc = acc.doubled()
      if digit == 0 { continue }
      let term = digit > 0 ? self : negated
      acc = isAffine ? acc.adding(affineX: term.x, affineY: term.y) : acc + term
    }
    return acc
  }
}
