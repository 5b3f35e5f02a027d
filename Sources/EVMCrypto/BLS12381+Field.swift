// Base-field arithmetic for BLS12-381: Fp in Montgomery form on six 64-bit
// limbs (p < 2^381, so sums below 2p fit in 384 bits), and Fp2 = Fp[u] / (u^2 + 1).
// The curve code reuses the `BNField` protocol of the BN254 implementation.

extension BLS12381 {
  /// An element of Fp, p = 0x1a0111ea…ffffaaab (381 bits), held as
  /// `a * 2^384 mod p` (Montgomery form), limbs least significant first.
  struct Fp: BNField {
    var l0: UInt64
    var l1: UInt64
    var l2: UInt64
    var l3: UInt64
    var l4: UInt64
    var l5: UInt64

    @inline(__always)
    init(
      _ l0: UInt64, _ l1: UInt64, _ l2: UInt64, _ l3: UInt64, _ l4: UInt64, _ l5: UInt64
    ) {
      self.l0 = l0
      self.l1 = l1
      self.l2 = l2
      self.l3 = l3
      self.l4 = l4
      self.l5 = l5
    }

    // The modulus and -p^-1 mod 2^64.
    static let p0: UInt64 = 0xb9fe_ffff_ffff_aaab
    static let p1: UInt64 = 0x1eab_fffe_b153_ffff
    static let p2: UInt64 = 0x6730_d2a0_f6b0_f624
    static let p3: UInt64 = 0x6477_4b84_f385_12bf
    static let p4: UInt64 = 0x4b1b_a7b6_434b_acd7
    static let p5: UInt64 = 0x1a01_11ea_397f_e69a
    static let inv: UInt64 = 0x89f3_fffc_fffc_fffd

    static let zero = Fp(0, 0, 0, 0, 0, 0)
    /// 2^384 mod p: the Montgomery form of 1.
    static let one = Fp(
      0x7609_0000_0002_fffd, 0xebf4_000b_c40c_0002, 0x5f48_9857_53c7_58ba,
      0x77ce_5853_7052_5745, 0x5c07_1a97_a256_ec6d, 0x15f6_5ec3_fa80_e493)
    /// 2^768 mod p, to enter Montgomery form.
    static let r2 = Fp(
      0xf4df_1f34_1c34_1746, 0x0a76_e6a6_09d1_04f1, 0x8de5_476c_4c95_b6d5,
      0x67eb_88a9_939d_83c0, 0x9a79_3e85_b519_952d, 0x1198_8fe5_92ca_e3aa)

    var isZero: Bool { (l0 | l1 | l2 | l3 | l4 | l5) == 0 }

    /// From raw limbs (an integer below p), least significant first.
    init(integer limbs: [UInt64]) {
      self = Fp.montgomeryMultiply(
        Fp(limbs[0], limbs[1], limbs[2], limbs[3], limbs[4], limbs[5]), Fp.r2)
    }

    /// Reads a `width`-byte big-endian integer at `offset` (48 ≤ width ≤ 64;
    /// bytes beyond the low 48 must be zero); `nil` when it is not below p.
    init?(bigEndian bytes: UnsafeBufferPointer<UInt8>, at offset: Int, width: Int) {
      let pad = width - 48
      for i in 0..<pad where bytes[offset + i] != 0 { return nil }
      let start = offset + pad
      func word(_ i: Int) -> UInt64 {
        var w: UInt64 = 0
        for j in 0..<8 { w = w << 8 | UInt64(bytes[start + 8 * i + j]) }
        return w
      }
      let raw = Fp(word(5), word(4), word(3), word(2), word(1), word(0))
      guard raw.isBelowModulus else { return nil }
      self = Fp.montgomeryMultiply(raw, Fp.r2)
    }

    /// The element for a small integer.
    init(small value: UInt64) { self = Fp.montgomeryMultiply(Fp(value, 0, 0, 0, 0, 0), Fp.r2) }

    /// Whether the raw limbs, read as an integer, are below p.
    var isBelowModulus: Bool {
      if l5 != Fp.p5 { return l5 < Fp.p5 }
      if l4 != Fp.p4 { return l4 < Fp.p4 }
      if l3 != Fp.p3 { return l3 < Fp.p3 }
      if l2 != Fp.p2 { return l2 < Fp.p2 }
      if l1 != Fp.p1 { return l1 < Fp.p1 }
      return l0 < Fp.p0
    }

    /// The canonical integer value (out of Montgomery form), limbs least significant first.
    var canonical: Fp { Fp.montgomeryMultiply(self, Fp(1, 0, 0, 0, 0, 0)) }

    /// The canonical value's limbs, most significant first.
    var canonicalWordsBigEndian: [UInt64] {
      let c = canonical
      return [c.l5, c.l4, c.l3, c.l2, c.l1, c.l0]
    }

    /// Writes the canonical value as `width` big-endian bytes (zero-padded on the left) at `offset`.
    func write(to out: inout [UInt8], at offset: Int, width: Int) {
      let words = canonicalWordsBigEndian
      let start = offset + width - 48
      for i in 0..<6 {
        for j in 0..<8 {
          out[start + 8 * i + j] = UInt8(truncatingIfNeeded: words[i] >> (56 - 8 * UInt64(j)))
        }
      }
    }

    /// The parity of the canonical value (`sgn0` of RFC 9380 for Fp).
    var isOdd: Bool { canonical.l0 & 1 == 1 }

    /// Whether the canonical value exceeds (p - 1) / 2 (the "larger" root in
    /// the ZCash compressed encoding).
    var isLexicographicallyLargest: Bool {
      // (p - 1) / 2, most significant first.
      let half: [UInt64] = [
        0x0d00_88f5_1cbf_f34d, 0x258d_d3db_21a5_d66b, 0xb23b_a5c2_79c2_895f,
        0xb398_6950_7b58_7b12, 0x0f55_ffff_58a9_ffff, 0xdcff_7fff_ffff_d555,
      ]
      let words = canonicalWordsBigEndian
      for i in 0..<6 where words[i] != half[i] { return words[i] > half[i] }
      return false
    }

    @inline(__always)
    static func + (a: Fp, b: Fp) -> Fp {
      var carry: UInt64 = 0
      let s0 = addc(a.l0, b.l0, &carry)
      let s1 = addc(a.l1, b.l1, &carry)
      let s2 = addc(a.l2, b.l2, &carry)
      let s3 = addc(a.l3, b.l3, &carry)
      let s4 = addc(a.l4, b.l4, &carry)
      let s5 = addc(a.l5, b.l5, &carry)
      return reduceOnce(s0, s1, s2, s3, s4, s5)
    }

    @inline(__always)
    static func - (a: Fp, b: Fp) -> Fp {
      var borrow: UInt64 = 0
      let d0 = subb(a.l0, b.l0, &borrow)
      let d1 = subb(a.l1, b.l1, &borrow)
      let d2 = subb(a.l2, b.l2, &borrow)
      let d3 = subb(a.l3, b.l3, &borrow)
      let d4 = subb(a.l4, b.l4, &borrow)
      let d5 = subb(a.l5, b.l5, &borrow)
      if borrow == 0 { return Fp(d0, d1, d2, d3, d4, d5) }
      var carry: UInt64 = 0
      let r0 = addc(d0, p0, &carry)
      let r1 = addc(d1, p1, &carry)
      let r2 = addc(d2, p2, &carry)
      let r3 = addc(d3, p3, &carry)
      let r4 = addc(d4, p4, &carry)
      let r5 = addc(d5, p5, &carry)
      return Fp(r0, r1, r2, r3, r4, r5)
    }

    @inline(__always)
    static prefix func - (a: Fp) -> Fp { a.isZero ? a : Fp.zero - a }

    @inline(__always)
    func doubled() -> Fp { self + self }

    @inline(__always)
    static func * (a: Fp, b: Fp) -> Fp { montgomeryMultiply(a, b) }

    @inline(__always)
    func squared() -> Fp { Fp.montgomeryMultiply(self, self) }

    /// `self^e` for an exponent given as limbs, least significant first.
    func power(_ e: [UInt64]) -> Fp {
      var result = Fp.one
      for limb in e.reversed() {
        for bit in stride(from: 63, through: 0, by: -1) {
          result = result.squared()
          if (limb >> UInt64(bit)) & 1 == 1 { result = result * self }
        }
      }
      return result
    }

    /// `self^(p-2)`; zero maps to zero.
    func inverse() -> Fp { power(BLS12381.expInverse) }

    /// Whether the element is a square (zero counts as one).
    var isSquare: Bool {
      if isZero { return true }
      return power(BLS12381.expLegendre) == Fp.one
    }

    /// A square root, or `nil` when there is none (p ≡ 3 mod 4: `a^((p+1)/4)`).
    func squareRoot() -> Fp? {
      let candidate = power(BLS12381.expSqrt)
      return candidate.squared() == self ? candidate : nil
    }

    /// `s` minus p when `s >= p` (inputs below 2p < 2^384).
    @inline(__always)
    static func reduceOnce(
      _ s0: UInt64, _ s1: UInt64, _ s2: UInt64, _ s3: UInt64, _ s4: UInt64, _ s5: UInt64
    ) -> Fp {
      var borrow: UInt64 = 0
      let d0 = subb(s0, p0, &borrow)
      let d1 = subb(s1, p1, &borrow)
      let d2 = subb(s2, p2, &borrow)
      let d3 = subb(s3, p3, &borrow)
      let d4 = subb(s4, p4, &borrow)
      let d5 = subb(s5, p5, &borrow)
      return borrow == 0 ? Fp(d0, d1, d2, d3, d4, d5) : Fp(s0, s1, s2, s3, s4, s5)
    }

    /// Montgomery product `a * b / 2^384 mod p` (CIOS). The top limb of p is
    /// below 2^62, so every intermediate stays below 2p and six limbs plus
    /// one carry word suffice. Fully unrolled (generated): a helper taking the
    /// accumulator by `inout` was not inlined and cost a call per round.
    @inline(__always)
    static func montgomeryMultiply(_ a: Fp, _ b: Fp) -> Fp {
      var c: UInt64 = 0
      var m: UInt64 = 0
      var t0: UInt64 = 0
      var t1: UInt64 = 0
      var t2: UInt64 = 0
      var t3: UInt64 = 0
      var t4: UInt64 = 0
      var t5: UInt64 = 0
      var t6: UInt64 = 0
      // Round 0: t += a * b.l0; t = (t + m p) / 2^64.
      c = 0
      t0 = mac128(t0, a.l0, b.l0, &c)
      t1 = mac128(t1, a.l1, b.l0, &c)
      t2 = mac128(t2, a.l2, b.l0, &c)
      t3 = mac128(t3, a.l3, b.l0, &c)
      t4 = mac128(t4, a.l4, b.l0, &c)
      t5 = mac128(t5, a.l5, b.l0, &c)
      t6 = c
      m = t0 &* inv
      c = 0
      _ = mac128(t0, m, p0, &c)
      t0 = mac128(t1, m, p1, &c)
      t1 = mac128(t2, m, p2, &c)
      t2 = mac128(t3, m, p3, &c)
      t3 = mac128(t4, m, p4, &c)
      t4 = mac128(t5, m, p5, &c)
      t5 = t6 &+ c
      // Round 1: t += a * b.l1; t = (t + m p) / 2^64.
      c = 0
      t0 = mac128(t0, a.l0, b.l1, &c)
      t1 = mac128(t1, a.l1, b.l1, &c)
      t2 = mac128(t2, a.l2, b.l1, &c)
      t3 = mac128(t3, a.l3, b.l1, &c)
      t4 = mac128(t4, a.l4, b.l1, &c)
      t5 = mac128(t5, a.l5, b.l1, &c)
      t6 = c
      m = t0 &* inv
      c = 0
      _ = mac128(t0, m, p0, &c)
      t0 = mac128(t1, m, p1, &c)
      t1 = mac128(t2, m, p2, &c)
      t2 = mac128(t3, m, p3, &c)
      t3 = mac128(t4, m, p4, &c)
      t4 = mac128(t5, m, p5, &c)
      t5 = t6 &+ c
      // Round 2: t += a * b.l2; t = (t + m p) / 2^64.
      c = 0
      t0 = mac128(t0, a.l0, b.l2, &c)
      t1 = mac128(t1, a.l1, b.l2, &c)
      t2 = mac128(t2, a.l2, b.l2, &c)
      t3 = mac128(t3, a.l3, b.l2, &c)
      t4 = mac128(t4, a.l4, b.l2, &c)
      t5 = mac128(t5, a.l5, b.l2, &c)
      t6 = c
      m = t0 &* inv
      c = 0
      _ = mac128(t0, m, p0, &c)
      t0 = mac128(t1, m, p1, &c)
      t1 = mac128(t2, m, p2, &c)
      t2 = mac128(t3, m, p3, &c)
      t3 = mac128(t4, m, p4, &c)
      t4 = mac128(t5, m, p5, &c)
      t5 = t6 &+ c
      // Round 3: t += a * b.l3; t = (t + m p) / 2^64.
      c = 0
      t0 = mac128(t0, a.l0, b.l3, &c)
      t1 = mac128(t1, a.l1, b.l3, &c)
      t2 = mac128(t2, a.l2, b.l3, &c)
      t3 = mac128(t3, a.l3, b.l3, &c)
      t4 = mac128(t4, a.l4, b.l3, &c)
      t5 = mac128(t5, a.l5, b.l3, &c)
      t6 = c
      m = t0 &* inv
      c = 0
      _ = mac128(t0, m, p0, &c)
      t0 = mac128(t1, m, p1, &c)
      t1 = mac128(t2, m, p2, &c)
      t2 = mac128(t3, m, p3, &c)
      t3 = mac128(t4, m, p4, &c)
      t4 = mac128(t5, m, p5, &c)
      t5 = t6 &+ c
      // Round 4: t += a * b.l4; t = (t + m p) / 2^64.
      c = 0
      t0 = mac128(t0, a.l0, b.l4, &c)
      t1 = mac128(t1, a.l1, b.l4, &c)
      t2 = mac128(t2, a.l2, b.l4, &c)
      t3 = mac128(t3, a.l3, b.l4, &c)
      t4 = mac128(t4, a.l4, b.l4, &c)
      t5 = mac128(t5, a.l5, b.l4, &c)
      t6 = c
      m = t0 &* inv
      c = 0
      _ = mac128(t0, m, p0, &c)
      t0 = mac128(t1, m, p1, &c)
      t1 = mac128(t2, m, p2, &c)
      t2 = mac128(t3, m, p3, &c)
      t3 = mac128(t4, m, p4, &c)
      t4 = mac128(t5, m, p5, &c)
      t5 = t6 &+ c
      // Round 5: t += a * b.l5; t = (t + m p) / 2^64.
      c = 0
      t0 = mac128(t0, a.l0, b.l5, &c)
      t1 = mac128(t1, a.l1, b.l5, &c)
      t2 = mac128(t2, a.l2, b.l5, &c)
      t3 = mac128(t3, a.l3, b.l5, &c)
      t4 = mac128(t4, a.l4, b.l5, &c)
      t5 = mac128(t5, a.l5, b.l5, &c)
      t6 = c
      m = t0 &* inv
      c = 0
      _ = mac128(t0, m, p0, &c)
      t0 = mac128(t1, m, p1, &c)
      t1 = mac128(t2, m, p2, &c)
      t2 = mac128(t3, m, p3, &c)
      t3 = mac128(t4, m, p4, &c)
      t4 = mac128(t5, m, p5, &c)
      t5 = t6 &+ c
      return reduceOnce(t0, t1, t2, t3, t4, t5)
    }
  }

  /// An element `c0 + c1 u` of Fp2 = Fp[u] / (u^2 + 1).
  struct Fp2: BNField {
    var c0: Fp
    var c1: Fp

    @inline(__always)
    init(_ c0: Fp, _ c1: Fp) {
      self.c0 = c0
      self.c1 = c1
    }

    static let zero = Fp2(.zero, .zero)
    static let one = Fp2(.one, .zero)

    var isZero: Bool { c0.isZero && c1.isZero }

    @inline(__always)
    static func + (a: Fp2, b: Fp2) -> Fp2 { Fp2(a.c0 + b.c0, a.c1 + b.c1) }
    @inline(__always)
    static func - (a: Fp2, b: Fp2) -> Fp2 { Fp2(a.c0 - b.c0, a.c1 - b.c1) }
    @inline(__always)
    static prefix func - (a: Fp2) -> Fp2 { Fp2(-a.c0, -a.c1) }
    @inline(__always)
    func doubled() -> Fp2 { Fp2(c0.doubled(), c1.doubled()) }

    /// Karatsuba: three base-field products.
    @inline(__always)
    static func * (a: Fp2, b: Fp2) -> Fp2 {
      let t0 = a.c0 * b.c0
      let t1 = a.c1 * b.c1
      let t2 = (a.c0 + a.c1) * (b.c0 + b.c1)
      return Fp2(t0 - t1, t2 - t0 - t1)
    }

    @inline(__always)
    static func * (a: Fp2, b: Fp) -> Fp2 { Fp2(a.c0 * b, a.c1 * b) }

    /// (c0 + c1)(c0 - c1) + 2 c0 c1 u.
    @inline(__always)
    func squared() -> Fp2 {
      let t = c0 * c1
      return Fp2((c0 + c1) * (c0 - c1), t.doubled())
    }

    /// `c0 - c1 u`, which is also the Frobenius map `a^p`.
    @inline(__always)
    var conjugate: Fp2 { Fp2(c0, -c1) }

    /// Multiplication by ξ = 1 + u, the non-residue of the sextic twist:
    /// `(c0 - c1) + (c0 + c1) u`.
    @inline(__always)
    func mulByXi() -> Fp2 { Fp2(c0 - c1, c0 + c1) }

    /// The norm `c0^2 + c1^2` (in Fp).
    var norm: Fp { c0.squared() + c1.squared() }

    /// Zero maps to zero.
    func inverse() -> Fp2 {
      let n = norm.inverse()
      return Fp2(c0 * n, -(c1 * n))
    }

    /// Whether the element is a square in Fp2 (exactly when its norm is a square in Fp).
    var isSquare: Bool { norm.isSquare }

    /// A square root, or `nil` when there is none. Via the norm: with
    /// `s = sqrt(c0^2 + c1^2)`, `x0^2 = (c0 ± s) / 2` and `x1 = c1 / (2 x0)`.
    func squareRoot() -> Fp2? {
      if c1.isZero {
        if let r = c0.squareRoot() { return Fp2(r, .zero) }
        if let r = (-c0).squareRoot() { return Fp2(.zero, r) }
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
      let root = Fp2(x0, x1)
      return root.squared() == self ? root : nil
    }

    /// `sgn0` of RFC 9380 for Fp2: the parity of c0, or of c1 when c0 is zero.
    var sgn0: Bool {
      let sign0 = c0.isOdd
      return sign0 || (c0.isZero && c1.isOdd)
    }

    /// The ZCash compressed-encoding sign: c1 larger than (p-1)/2, or c0 when c1 is zero.
    var isLexicographicallyLargest: Bool {
      c1.isZero ? c0.isLexicographicallyLargest : c1.isLexicographicallyLargest
    }
  }
}

/// `t + a * b + carry` through a 128-bit product (which LLVM lowers to one
/// `mul` and an add-with-carry chain), the high word left in `carry`; it
/// never overflows 128 bits.
@inline(__always)
func mac128(_ t: UInt64, _ a: UInt64, _ b: UInt64, _ carry: inout UInt64) -> UInt64 {
  let wide = UInt128(a) &* UInt128(b) &+ UInt128(t) &+ UInt128(carry)
  carry = UInt64(truncatingIfNeeded: wide >> 64)
  return UInt64(truncatingIfNeeded: wide)
}
