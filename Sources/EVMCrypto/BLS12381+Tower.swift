// The extension tower for the BLS12-381 pairing: Fp6 = Fp2[v] / (v^3 - ξ)
// with ξ = 1 + u, and Fp12 = Fp6[w] / (w^2 - v), so w^6 = ξ.

extension BLS12381 {
  /// An element `c0 + c1 v + c2 v^2` of Fp6.
  struct Fp6: Equatable {
    var c0: Fp2
    var c1: Fp2
    var c2: Fp2

    @inline(__always)
    init(_ c0: Fp2, _ c1: Fp2, _ c2: Fp2) {
      self.c0 = c0
      self.c1 = c1
      self.c2 = c2
    }

    static let zero = Fp6(.zero, .zero, .zero)
    static let one = Fp6(.one, .zero, .zero)

    @inline(__always)
    static func + (a: Fp6, b: Fp6) -> Fp6 { Fp6(a.c0 + b.c0, a.c1 + b.c1, a.c2 + b.c2) }
    @inline(__always)
    static func - (a: Fp6, b: Fp6) -> Fp6 { Fp6(a.c0 - b.c0, a.c1 - b.c1, a.c2 - b.c2) }
    @inline(__always)
    static prefix func - (a: Fp6) -> Fp6 { Fp6(-a.c0, -a.c1, -a.c2) }

    /// Karatsuba over three coefficients: six Fp2 products.
    @inline(__always)
    static func * (a: Fp6, b: Fp6) -> Fp6 {
      let t0 = a.c0 * b.c0
      let t1 = a.c1 * b.c1
      let t2 = a.c2 * b.c2
      let c0 = t0 + ((a.c1 + a.c2) * (b.c1 + b.c2) - t1 - t2).mulByXi()
      let c1 = (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1 + t2.mulByXi()
      let c2 = (a.c0 + a.c2) * (b.c0 + b.c2) - t0 - t2 + t1
      return Fp6(c0, c1, c2)
    }

    /// Chung–Hasan squaring (SQR2): two multiplications and three squarings in Fp2.
    @inline(__always)
    func squared() -> Fp6 {
      let s0 = c0.squared()
      let s1 = (c0 * c1).doubled()
      let s2 = (c0 - c1 + c2).squared()
      let s3 = (c1 * c2).doubled()
      let s4 = c2.squared()
      return Fp6(s0 + s3.mulByXi(), s1 + s4.mulByXi(), s1 + s2 + s3 - s0 - s4)
    }

    /// Multiplication by `x + y v` (five Fp2 products).
    @inline(__always)
    func mulBy01(_ x: Fp2, _ y: Fp2) -> Fp6 {
      let t0 = c0 * x
      let t1 = c1 * y
      let n0 = (c2 * y).mulByXi() + t0
      let n1 = (c0 + c1) * (x + y) - t0 - t1
      let n2 = c2 * x + t1
      return Fp6(n0, n1, n2)
    }

    /// Multiplication by `y v` (three Fp2 products).
    @inline(__always)
    func mulBy1(_ y: Fp2) -> Fp6 { Fp6((c2 * y).mulByXi(), c0 * y, c1 * y) }

    /// Multiplication by v: `(c0, c1, c2) -> (ξ c2, c0, c1)`.
    @inline(__always)
    func mulByV() -> Fp6 { Fp6(c2.mulByXi(), c0, c1) }

    func inverse() -> Fp6 {
      let a = c0.squared() - (c1 * c2).mulByXi()
      let b = c2.squared().mulByXi() - c0 * c1
      let c = c1.squared() - c0 * c2
      let f = c0 * a + (c2 * b + c1 * c).mulByXi()
      let fi = f.inverse()
      return Fp6(a * fi, b * fi, c * fi)
    }
  }

  /// An element `c0 + c1 w` of Fp12.
  struct Fp12: Equatable {
    var c0: Fp6
    var c1: Fp6

    @inline(__always)
    init(_ c0: Fp6, _ c1: Fp6) {
      self.c0 = c0
      self.c1 = c1
    }

    static let one = Fp12(.one, .zero)

    @inline(__always)
    static func * (a: Fp12, b: Fp12) -> Fp12 {
      let t0 = a.c0 * b.c0
      let t1 = a.c1 * b.c1
      return Fp12(t0 + t1.mulByV(), (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1)
    }

    /// Complex squaring: two Fp6 products.
    @inline(__always)
    func squared() -> Fp12 {
      let t = c0 * c1
      let n0 = (c0 + c1) * (c0 + c1.mulByV()) - t - t.mulByV()
      return Fp12(n0, t + t)
    }

    /// Squaring in the cyclotomic subgroup (Granger–Scott): viewing f as
    /// three Fp4 elements `(g0 + g3 w^3)`, `(g1 + g4 w^3)`… over Fp2, each
    /// needs only two Fp2 squarings. Valid only for unitary f (after the
    /// easy part of the final exponentiation).
    @inline(__always)
    func cyclotomicSquared() -> Fp12 {
      // Coefficients of w^i: g0 = c0.c0, g2 = c0.c1, g4 = c0.c2, g1 = c1.c0, g3 = c1.c1, g5 = c1.c2.
      @inline(__always)
      func fp4Square(_ a: Fp2, _ b: Fp2) -> (Fp2, Fp2) {
        // (a + b s)^2 with s^2 = ξ: (a^2 + ξ b^2, 2ab).
        let a2 = a.squared()
        let b2 = b.squared()
        return (a2 + b2.mulByXi(), (a + b).squared() - a2 - b2)
      }
      let (t0, t1) = fp4Square(c0.c0, c1.c1)
      let (t2, t3) = fp4Square(c1.c0, c0.c2)
      let (t4, t5) = fp4Square(c0.c1, c1.c2)
      // z0 = 3 t0 - 2 g0, z1 = 3 t1 + 2 g3 (pair g0, g3);
      // z4 = 3 t2 - 2 g4... following the standard assignment.
      let z0 = (t0 - c0.c0).doubled() + t0
      let z3 = (t1 + c1.c1).doubled() + t1
      let t5x = t5.mulByXi()
      let z1 = (t5x + c1.c0).doubled() + t5x
      let z4 = (t4 - c0.c2).doubled() + t4
      let z2 = (t2 - c0.c1).doubled() + t2
      let z5 = (t3 + c1.c2).doubled() + t3
      return Fp12(Fp6(z0, z2, z4), Fp6(z1, z3, z5))
    }

    /// `f^(p^6)`: the inverse for elements of the cyclotomic subgroup.
    @inline(__always)
    var conjugate: Fp12 { Fp12(c0, -c1) }

    func inverse() -> Fp12 {
      let d = (c0.squared() - c1.squared().mulByV()).inverse()
      return Fp12(c0 * d, -(c1 * d))
    }

    /// Multiplication by a line value `a + b w^2 + c w^3`, that is
    /// `(a, b, 0) + (0, c, 0) w` (the sparsity of an M-type twist).
    @inline(__always)
    func mulByLine(_ a: Fp2, _ b: Fp2, _ c: Fp2) -> Fp12 {
      let t0 = c0.mulBy01(a, b)
      let t1 = c1.mulBy1(c)
      let n1 = (c0 + c1).mulBy01(a, b + c) - t0 - t1
      return Fp12(t0 + t1.mulByV(), n1)
    }

    // Frobenius: writing f = Σ g_i w^i (g_i in Fp2, i = 0...5), f^(p^k) =
    // Σ g_i^(p^k) γ_{k,i} w^i with γ_{k,i} = ξ^(i (p^k - 1) / 6).

    /// `f^p`.
    func frobenius() -> Fp12 {
      let g = BLS12381.frobeniusGamma1
      return Fp12(
        Fp6(c0.c0.conjugate, c0.c1.conjugate * g.1, c0.c2.conjugate * g.3),
        Fp6(c1.c0.conjugate * g.0, c1.c1.conjugate * g.2, c1.c2.conjugate * g.4))
    }

    /// `f^(p^2)`.
    func frobenius2() -> Fp12 {
      let g = BLS12381.frobeniusGamma2
      return Fp12(
        Fp6(c0.c0, c0.c1 * g.1, c0.c2 * g.3),
        Fp6(c1.c0 * g.0, c1.c1 * g.2, c1.c2 * g.4))
    }
  }
}
