// The extension tower of a BN or BLS12 pairing, one implementation for both
// curves: Fp2 = Fp[u] / (u^2 + 1), Fp6 = Fp2[v] / (v^3 - ξ) and
// Fp12 = Fp6[w] / (w^2 - v), so w^6 = ξ. The curves differ only in the
// constants a `PairingTower` supplies (ξ, b' of the twist, Frobenius
// coefficients) and in the shape of their line functions.

/// The per-curve constants of the tower.
protocol PairingTower {
  associatedtype BaseModulus: MontgomeryModulus
  /// Whether G2 lives on a D-type twist (lines `ℓy + ℓx w + ℓ0 w^3`, BN254)
  /// rather than an M-type one (lines `ℓ0 + ℓx w^2 + ℓy w^3`, BLS12-381).
  static var isDTypeTwist: Bool { get }
  /// `ξ a`, ξ the cubic and quadratic non-residue defining Fp6 and the twist.
  static func mulByNonResidue(_ a: TowerFp2<Self>) -> TowerFp2<Self>
  /// b' of the twist y^2 = x^3 + b'.
  static var twistB: TowerFp2<Self> { get }
  /// `b' a` (a product unless b' allows a shortcut).
  static func mulByTwistB(_ a: TowerFp2<Self>) -> TowerFp2<Self>
  /// γ_{1,i} = ξ^(i (p - 1) / 6), i = 1...5.
  static var frobeniusGamma1:
    (TowerFp2<Self>, TowerFp2<Self>, TowerFp2<Self>, TowerFp2<Self>, TowerFp2<Self>)
  {
    get
  }
  /// γ_{2,i} = ξ^(i (p^2 - 1) / 6), i = 1...5 (all in Fp).
  static var frobeniusGamma2:
    (
      MontgomeryField<BaseModulus>, MontgomeryField<BaseModulus>, MontgomeryField<BaseModulus>,
      MontgomeryField<BaseModulus>, MontgomeryField<BaseModulus>
    )
  { get }
}

extension PairingTower {
  @inline(__always)
  static func mulByTwistB(_ a: TowerFp2<Self>) -> TowerFp2<Self> { a * twistB }
}

/// An element `c0 + c1 u` of Fp2 = Fp[u] / (u^2 + 1).
struct TowerFp2<T: PairingTower>: FieldArithmetic {
  typealias Fp = MontgomeryField<T.BaseModulus>
  var c0: Fp
  var c1: Fp

  @inline(__always)
  init(_ c0: Fp, _ c1: Fp) {
    self.c0 = c0
    self.c1 = c1
  }

  @inline(__always)
  static var zero: TowerFp2 { TowerFp2(.zero, .zero) }
  @inline(__always)
  static var one: TowerFp2 { TowerFp2(.one, .zero) }

  @inline(__always)
  var isZero: Bool { c0.isZero && c1.isZero }

  @inline(__always)
  static func + (a: TowerFp2, b: TowerFp2) -> TowerFp2 { TowerFp2(a.c0 + b.c0, a.c1 + b.c1) }
  @inline(__always)
  static func - (a: TowerFp2, b: TowerFp2) -> TowerFp2 { TowerFp2(a.c0 - b.c0, a.c1 - b.c1) }
  @inline(__always)
  static prefix func - (a: TowerFp2) -> TowerFp2 { TowerFp2(-a.c0, -a.c1) }
  @inline(__always)
  func doubled() -> TowerFp2 { TowerFp2(c0.doubled(), c1.doubled()) }

  /// `(a0 b0 - a1 b1) + (a0 b1 + a1 b0) u` with one Montgomery reduction per
  /// coefficient (see ``MontgomeryModulus/montgomeryComplexProduct(_:_:_:_:)``:
  /// Karatsuba on double-width products for BN254). Not inlined
  /// (see ``MontgomeryField/*(_:_:)``): one copy per curve with the kernel inlined.
  @inline(never)
  static func * (a: TowerFp2, b: TowerFp2) -> TowerFp2 {
    let (real, imaginary) = T.BaseModulus.montgomeryComplexProduct(
      a.c0.limbs, a.c1.limbs, b.c0.limbs, b.c1.limbs)
    return TowerFp2(Fp(montgomery: real), Fp(montgomery: imaginary))
  }

  @inline(never)
  static func * (a: TowerFp2, b: Fp) -> TowerFp2 {
    TowerFp2(Fp.montgomeryMultiply(a.c0, b), Fp.montgomeryMultiply(a.c1, b))
  }

  /// (c0 + c1)(c0 - c1) + 2 c0 c1 u (the sums enter the products unreduced).
  @inline(never)
  func squared() -> TowerFp2 {
    TowerFp2(
      Fp.montgomeryMultiply(Fp.addUnreduced(c0, c1), c0 - c1),
      Fp.montgomeryMultiply(Fp.addUnreduced(c0, c0), c1))
  }

  /// `c0 - c1 u`, which is also the Frobenius map `a^p`.
  @inline(__always)
  var conjugate: TowerFp2 { TowerFp2(c0, -c1) }

  @inline(__always)
  func mulByNonResidue() -> TowerFp2 { T.mulByNonResidue(self) }

  /// The norm `c0^2 + c1^2` (in Fp).
  var norm: Fp { c0.squared() + c1.squared() }

  /// Zero maps to zero.
  func inverse() -> TowerFp2 {
    let n = norm.inverse()
    return TowerFp2(c0 * n, -(c1 * n))
  }

  /// Whether the element is a square in Fp2 (exactly when its norm is a square in Fp).
  var isSquare: Bool { norm.isSquare }

  /// A square root, or `nil` when there is none. Via the norm: with
  /// `s = sqrt(c0^2 + c1^2)`, `x0^2 = (c0 ± s) / 2` and `x1 = c1 / (2 x0)`.
  func squareRoot() -> TowerFp2? {
    if c1.isZero {
      if let r = c0.squareRoot() { return TowerFp2(r, .zero) }
      if let r = (-c0).squareRoot() { return TowerFp2(.zero, r) }
      return nil
    }
    guard let s = norm.squareRoot() else { return nil }
    let halfInv = Fp(small: 2).inverse()
    var t = (c0 + s) * halfInv
    var x0 = t.squareRoot()
    if x0 == nil {
      t = (c0 - s) * halfInv
      x0 = t.squareRoot()
    }
    guard let x0, !x0.isZero else { return nil }
    let x1 = c1 * (x0.doubled()).inverse()
    let root = TowerFp2(x0, x1)
    return root.squared() == self ? root : nil
  }

  /// `sgn0` of RFC 9380 for Fp2: the parity of c0, or of c1 when c0 is zero.
  var sgn0: Bool { c0.isOdd || (c0.isZero && c1.isOdd) }

  /// The ZCash compressed-encoding sign: c1 larger than (p-1)/2, or c0 when c1 is zero.
  var isLexicographicallyLargest: Bool {
    c1.isZero ? c0.isLexicographicallyLargest : c1.isLexicographicallyLargest
  }
}

/// An element `c0 + c1 v + c2 v^2` of Fp6.
struct TowerFp6<T: PairingTower>: Equatable, Sendable {
  typealias Fp2 = TowerFp2<T>
  var c0: Fp2
  var c1: Fp2
  var c2: Fp2

  @inline(__always)
  init(_ c0: Fp2, _ c1: Fp2, _ c2: Fp2) {
    self.c0 = c0
    self.c1 = c1
    self.c2 = c2
  }

  @inline(__always)
  static var zero: TowerFp6 { TowerFp6(.zero, .zero, .zero) }
  @inline(__always)
  static var one: TowerFp6 { TowerFp6(.one, .zero, .zero) }

  @inline(__always)
  static func + (a: TowerFp6, b: TowerFp6) -> TowerFp6 {
    TowerFp6(a.c0 + b.c0, a.c1 + b.c1, a.c2 + b.c2)
  }
  @inline(__always)
  static func - (a: TowerFp6, b: TowerFp6) -> TowerFp6 {
    TowerFp6(a.c0 - b.c0, a.c1 - b.c1, a.c2 - b.c2)
  }
  @inline(__always)
  static prefix func - (a: TowerFp6) -> TowerFp6 { TowerFp6(-a.c0, -a.c1, -a.c2) }

  /// Karatsuba over three coefficients: six Fp2 products.
  static func * (a: TowerFp6, b: TowerFp6) -> TowerFp6 {
    let t0 = a.c0 * b.c0
    let t1 = a.c1 * b.c1
    let t2 = a.c2 * b.c2
    let c0 = t0 + ((a.c1 + a.c2) * (b.c1 + b.c2) - t1 - t2).mulByNonResidue()
    let c1 = (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1 + t2.mulByNonResidue()
    let c2 = (a.c0 + a.c2) * (b.c0 + b.c2) - t0 - t2 + t1
    return TowerFp6(c0, c1, c2)
  }

  /// Chung–Hasan squaring (SQR2): two multiplications and three squarings in Fp2.
  func squared() -> TowerFp6 {
    let s0 = c0.squared()
    let s1 = (c0 * c1).doubled()
    let s2 = (c0 - c1 + c2).squared()
    let s3 = (c1 * c2).doubled()
    let s4 = c2.squared()
    return TowerFp6(
      s0 + s3.mulByNonResidue(), s1 + s4.mulByNonResidue(), s1 + s2 + s3 - s0 - s4)
  }

  /// Multiplication by `x + y v` (five Fp2 products).
  @inline(__always)
  func mulBy01(_ x: Fp2, _ y: Fp2) -> TowerFp6 {
    let t0 = c0 * x
    let t1 = c1 * y
    let n0 = (c2 * y).mulByNonResidue() + t0
    let n1 = (c0 + c1) * (x + y) - t0 - t1
    let n2 = c2 * x + t1
    return TowerFp6(n0, n1, n2)
  }

  /// Multiplication by an Fp2 scalar `x`.
  @inline(__always)
  func mulBy0(_ x: Fp2) -> TowerFp6 { TowerFp6(c0 * x, c1 * x, c2 * x) }

  /// Multiplication by `y v` (three Fp2 products).
  @inline(__always)
  func mulBy1(_ y: Fp2) -> TowerFp6 { TowerFp6((c2 * y).mulByNonResidue(), c0 * y, c1 * y) }

  /// Multiplication by v: `(c0, c1, c2) -> (ξ c2, c0, c1)`.
  @inline(__always)
  func mulByV() -> TowerFp6 { TowerFp6(c2.mulByNonResidue(), c0, c1) }

  func inverse() -> TowerFp6 {
    let a = c0.squared() - (c1 * c2).mulByNonResidue()
    let b = c2.squared().mulByNonResidue() - c0 * c1
    let c = c1.squared() - c0 * c2
    let f = c0 * a + (c2 * b + c1 * c).mulByNonResidue()
    let fi = f.inverse()
    return TowerFp6(a * fi, b * fi, c * fi)
  }
}

/// An element `c0 + c1 w` of Fp12.
struct TowerFp12<T: PairingTower>: Equatable, Sendable {
  typealias Fp2 = TowerFp2<T>
  typealias Fp6 = TowerFp6<T>
  var c0: Fp6
  var c1: Fp6

  @inline(__always)
  init(_ c0: Fp6, _ c1: Fp6) {
    self.c0 = c0
    self.c1 = c1
  }

  static var one: TowerFp12 { TowerFp12(.one, .zero) }

  /// Karatsuba: three Fp6 products.
  static func * (a: TowerFp12, b: TowerFp12) -> TowerFp12 {
    let t0 = a.c0 * b.c0
    let t1 = a.c1 * b.c1
    return TowerFp12(t0 + t1.mulByV(), (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1)
  }

  /// Complex squaring: two Fp6 products.
  func squared() -> TowerFp12 {
    let t = c0 * c1
    let n0 = (c0 + c1) * (c0 + c1.mulByV()) - t - t.mulByV()
    return TowerFp12(n0, t + t)
  }

  /// `f^(p^6)`: the inverse for elements of the cyclotomic subgroup.
  @inline(__always)
  var conjugate: TowerFp12 { TowerFp12(c0, -c1) }

  func inverse() -> TowerFp12 {
    let d = (c0.squared() - c1.squared().mulByV()).inverse()
    return TowerFp12(c0 * d, -(c1 * d))
  }

  /// Granger–Scott squaring, valid only in the cyclotomic subgroup (after
  /// the easy part of the final exponentiation): nine Fp2 squarings.
  ///
  /// Seen over Fp4 = Fp2[s] / (s^2 - ξ) with s = w^3, f = A + B w + C w^2 and
  /// f^2 = (3A^2 - 2Ā) + (3 s C^2 + 2B̄) w + (3B^2 - 2C̄) w^2.
  func cyclotomicSquared() -> TowerFp12 {
    @inline(__always)
    func fp4Square(_ x0: Fp2, _ x1: Fp2) -> (Fp2, Fp2) {
      let t0 = x0.squared()
      let t1 = x1.squared()
      return (t0 + t1.mulByNonResidue(), (x0 + x1).squared() - t0 - t1)
    }
    // A = (g0, g3), B = (g1, g4), C = (g2, g5), with g_i the coefficient of w^i:
    // g0 = c0.c0, g2 = c0.c1, g4 = c0.c2, g1 = c1.c0, g3 = c1.c1, g5 = c1.c2.
    let (a0, a1) = fp4Square(c0.c0, c1.c1)
    let (b0, b1) = fp4Square(c1.c0, c0.c2)
    let (s0, s1) = fp4Square(c0.c1, c1.c2)
    let s1x = s1.mulByNonResidue()
    let g0 = (a0 - c0.c0).doubled() + a0
    let g3 = (a1 + c1.c1).doubled() + a1
    let g1 = (s1x + c1.c0).doubled() + s1x
    let g4 = (s0 - c0.c2).doubled() + s0
    let g2 = (b0 - c0.c1).doubled() + b0
    let g5 = (b1 + c1.c2).doubled() + b1
    return TowerFp12(Fp6(g0, g2, g4), Fp6(g1, g3, g5))
  }

  /// Multiplication by a line in the form of a D-type twist,
  /// `y + x w + c w^3`, that is `(y, 0, 0) + (x, c, 0) w` (13 Fp2 products).
  @inline(__always)
  func mulByDTypeLine(_ y: Fp2, _ x: Fp2, _ c: Fp2) -> TowerFp12 {
    let t0 = c0.mulBy0(y)
    let t1 = c1.mulBy01(x, c)
    let n1 = (c0 + c1).mulBy01(y + x, c) - t0 - t1
    return TowerFp12(t0 + t1.mulByV(), n1)
  }

  /// Multiplication by the product of two D-type lines `y + x w + k w^3`
  /// (given as `(y, x, k)`): the lines multiplied together first, into
  /// `(y1 y2 + ξ k1 k2, x1 x2, x1 k2 + k1 x2) + (y1 x2 + x1 y2, y1 k2 + k1 y2, 0) w`
  /// (6 Fp2 products), then into f (17): 23 Fp2 products where one line
  /// at a time costs 26.
  @inline(__always)
  func mulByDTypeLines(_ first: (Fp2, Fp2, Fp2), _ second: (Fp2, Fp2, Fp2)) -> TowerFp12 {
    let (y1, x1, k1) = first
    let (y2, x2, k2) = second
    let yy = y1 * y2
    let xx = x1 * x2
    let kk = k1 * k2
    let xk = (x1 + k1) * (x2 + k2) - xx - kk
    let lines0 = Fp6(yy + kk.mulByNonResidue(), xx, xk)
    let lines1x = (y1 + x1) * (y2 + x2) - yy - xx
    let lines1k = (y1 + k1) * (y2 + k2) - yy - kk
    let t0 = c0 * lines0
    let t1 = c1.mulBy01(lines1x, lines1k)
    let sum: Fp6 = lines0 + Fp6(lines1x, lines1k, .zero)
    let n1: Fp6 = (c0 + c1) * sum - t0 - t1
    return TowerFp12(t0 + t1.mulByV(), n1)
  }

  /// Multiplication by a line in the form of an M-type twist,
  /// `c + x w^2 + y w^3`, that is `(c, x, 0) + (0, y, 0) w` (13 Fp2 products).
  @inline(__always)
  func mulByMTypeLine(_ c: Fp2, _ x: Fp2, _ y: Fp2) -> TowerFp12 {
    let t0 = c0.mulBy01(c, x)
    let t1 = c1.mulBy1(y)
    let n1 = (c0 + c1).mulBy01(c, x + y) - t0 - t1
    return TowerFp12(t0 + t1.mulByV(), n1)
  }

  // Frobenius: writing f = Σ g_i w^i (g_i in Fp2, i = 0...5), f^(p^k) =
  // Σ g_i^(p^k) γ_{k,i} w^i with γ_{k,i} = ξ^(i (p^k - 1) / 6).

  /// `f^p`.
  func frobenius() -> TowerFp12 {
    let g = T.frobeniusGamma1
    return TowerFp12(
      Fp6(c0.c0.conjugate, c0.c1.conjugate * g.1, c0.c2.conjugate * g.3),
      Fp6(c1.c0.conjugate * g.0, c1.c1.conjugate * g.2, c1.c2.conjugate * g.4))
  }

  /// `f^(p^2)`.
  func frobenius2() -> TowerFp12 {
    let g = T.frobeniusGamma2
    return TowerFp12(
      Fp6(c0.c0, c0.c1 * g.1, c0.c2 * g.3),
      Fp6(c1.c0 * g.0, c1.c1 * g.2, c1.c2 * g.4))
  }

  /// `f^(p^3)`.
  func frobenius3() -> TowerFp12 { frobenius2().frobenius() }

  /// `f^((p^6 - 1)(p^2 + 1))`, the easy part of the final exponentiation;
  /// the result is in the cyclotomic subgroup (unitary: inverse = conjugate).
  func easyPartOfFinalExponentiation() -> TowerFp12 {
    let f = conjugate * inverse()
    return f.frobenius2() * f
  }

  /// `f^e` for f in the cyclotomic subgroup and `e` given by signed odd
  /// digits (most significant first, without the leading 1, as from
  /// ``windowedNonAdjacentForm(_:width:)`` or ``nonAdjacentForm(_:)``):
  /// a cyclotomic squaring per digit and a product with `f^|d|` (or its
  /// conjugate, the inverse) per nonzero digit `d`.
  func cyclotomicPower(digits: [Int8]) -> TowerFp12 {
    // Odd powers f, f^3, f^5, ... up to the largest digit.
    let largest = Int(digits.map { $0.magnitude }.max() ?? 1)
    var odd = [self]
    if largest > 1 {
      let square = cyclotomicSquared()
      for _ in stride(from: 3, through: largest, by: 2) { odd.append(odd[odd.count - 1] * square) }
    }
    var result = self
    for digit in digits {
      result = result.cyclotomicSquared()
      if digit > 0 {
        result = result * odd[Int(digit) / 2]
      } else if digit < 0 {
        result = result * odd[Int(-digit) / 2].conjugate
      }
    }
    return result
  }
}
