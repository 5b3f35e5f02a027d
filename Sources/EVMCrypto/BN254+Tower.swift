// The extension tower for the pairing: Fp6 = Fp2[v] / (v^3 - ξ) with ξ = 9 + u,
// and Fp12 = Fp6[w] / (w^2 - v), so w^6 = ξ.

extension BN254 {
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
      let ab = c0 * c1
      let s1 = ab.doubled()
      let s2 = (c0 - c1 + c2).squared()
      let bc = c1 * c2
      let s3 = bc.doubled()
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

    /// Multiplication by an Fp2 scalar.
    @inline(__always)
    func mulBy0(_ x: Fp2) -> Fp6 { Fp6(c0 * x, c1 * x, c2 * x) }

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

    /// `f^(p^6)`: the inverse for elements of the cyclotomic subgroup.
    @inline(__always)
    var conjugate: Fp12 { Fp12(c0, -c1) }

    /// Granger–Scott squaring, valid only in the cyclotomic subgroup (after
    /// the easy part of the final exponentiation): nine Fp2 squarings.
    ///
    /// Seen over Fp4 = Fp2[s] / (s^2 - ξ) with s = w^3, f = A + B w + C w^2 and
    /// f^2 = (3A^2 - 2Ā) + (3 s C^2 + 2B̄) w + (3B^2 - 2C̄) w^2.
    @inline(__always)
    func cyclotomicSquared() -> Fp12 {
      @inline(__always)
      func fp4Square(_ x0: Fp2, _ x1: Fp2) -> (Fp2, Fp2) {
        let t0 = x0.squared()
        let t1 = x1.squared()
        return (t0 + t1.mulByXi(), (x0 + x1).squared() - t0 - t1)
      }
      @inline(__always)
      func triple(_ x: Fp2) -> Fp2 { x.doubled() + x }
      // A = (g0, g3), B = (g1, g4), C = (g2, g5), with g_i the coefficient of w^i.
      let (a0, a1) = fp4Square(c0.c0, c1.c1)
      let (b0, b1) = fp4Square(c1.c0, c0.c2)
      let (s0, s1) = fp4Square(c0.c1, c1.c2)
      let g0 = triple(a0) - c0.c0.doubled()
      let g3 = triple(a1) + c1.c1.doubled()
      let g1 = triple(s1.mulByXi()) + c1.c0.doubled()
      let g4 = triple(s0) - c0.c2.doubled()
      let g2 = triple(b0) - c0.c1.doubled()
      let g5 = triple(b1) + c1.c2.doubled()
      return Fp12(Fp6(g0, g2, g4), Fp6(g1, g3, g5))
    }

    func inverse() -> Fp12 {
      let d = (c0.squared() - c1.squared().mulByV()).inverse()
      return Fp12(c0 * d, -(c1 * d))
    }

    /// Multiplication by a line value `a + b w + c w^3`, that is
    /// `(a, 0, 0) + (b, c, 0) w`.
    @inline(__always)
    func mulByLine(_ a: Fp2, _ b: Fp2, _ c: Fp2) -> Fp12 {
      let t0 = c0.mulBy0(a)
      let t1 = c1.mulBy01(b, c)
      let n1 = (c0 + c1).mulBy01(a + b, c) - t0 - t1
      return Fp12(t0 + t1.mulByV(), n1)
    }

    // Frobenius: writing f = Σ g_i w^i (g_i in Fp2, i = 0...5), f^(p^k) =
    // Σ g_i^(p^k) γ_{k,i} w^i with γ_{k,i} = ξ^(i (p^k - 1) / 6).

    /// `f^p`.
    func frobenius() -> Fp12 {
      let g = BN254.frobeniusGamma1
      return Fp12(
        Fp6(c0.c0.conjugate, c0.c1.conjugate * g.1, c0.c2.conjugate * g.3),
        Fp6(c1.c0.conjugate * g.0, c1.c1.conjugate * g.2, c1.c2.conjugate * g.4))
    }

    /// `f^(p^2)`.
    func frobenius2() -> Fp12 {
      let g = BN254.frobeniusGamma2
      return Fp12(
        Fp6(c0.c0, c0.c1 * g.1, c0.c2 * g.3),
        Fp6(c1.c0 * g.0, c1.c1 * g.2, c1.c2 * g.4))
    }

    /// `f^(p^3)`.
    func frobenius3() -> Fp12 {
      let g = BN254.frobeniusGamma3
      return Fp12(
        Fp6(c0.c0.conjugate, c0.c1.conjugate * g.1, c0.c2.conjugate * g.3),
        Fp6(c1.c0.conjugate * g.0, c1.c1.conjugate * g.2, c1.c2.conjugate * g.4))
    }
  }

  /// γ_{1,i} = ξ^(i (p - 1) / 6), i = 1...5.
  static let frobeniusGamma1: (Fp2, Fp2, Fp2, Fp2, Fp2) = (
    Fp2(
      Fp(
        0xaf9b_a696_3314_4907, 0xca6b_1d73_87af_b78a, 0x11bd_ed5e_f08a_2087, 0x02f3_4d75_1a1f_3a7c),
      Fp(0xa222_ae23_4c49_2d72, 0xd00f_02a4_565d_e15b, 0xdc2f_f3a2_53df_c926, 0x10a7_5716_b389_9551)
    ),
    Fp2(
      Fp(
        0xb577_3b10_4563_ab30, 0x347f_91c8_a9aa_6454, 0x7a00_7127_242e_0991, 0x1956_bcd8_1182_14ec),
      Fp(0x6e84_9f1e_a0aa_4757, 0xaa1c_7b6d_89f8_9141, 0xb6e7_13cd_fae0_ca3a, 0x2669_4fbb_4e82_ebc3)
    ),
    Fp2(
      Fp(
        0xe4bb_dd0c_2936_b629, 0xbb30_f162_e133_bacb, 0x31a9_d1b6_f964_5366, 0x2535_70be_a500_f8dd),
      Fp(0xa1d7_7ce4_5ffe_77c7, 0x07af_fd11_7826_d1db, 0x6d16_bd27_bb7e_dc6b, 0x2c87_2002_85de_fecc)
    ),
    Fp2(
      Fp(
        0x7361_d77f_843a_be92, 0xa5bb_2bd3_2734_11fb, 0x9c94_1f31_4b3e_2399, 0x15df_9cdd_bb9f_d3ec),
      Fp(0x5ddd_fd15_4bd8_c949, 0x62cb_29a5_a444_5b60, 0x37bc_870a_0c7d_d2b9, 0x2483_0a9d_3171_f0fd)
    ),
    Fp2(
      Fp(
        0xc970_692f_4169_0fe7, 0xe240_3421_2769_4b0b, 0x32be_e66b_83c4_59e8, 0x12aa_bced_0ab0_8841),
      Fp(0x0d48_5d23_40ae_bfa9, 0x0519_3418_ab2f_cc57, 0xd3b0_a40b_8a49_10f5, 0x2f21_ebb5_35d2_925a)
    )
  )

  /// γ_{2,i} = ξ^(i (p^2 - 1) / 6), i = 1...5 (all in Fp).
  static let frobeniusGamma2: (Fp, Fp, Fp, Fp, Fp) = (
    Fp(0xca8d_8005_00fa_1bf2, 0xf0c5_d614_68b3_9769, 0x0e20_1271_ad0d_4418, 0x0429_0f65_bad8_56e6),
    Fp(0x3350_c88e_13e8_0b9c, 0x7dce_557c_db5e_56b9, 0x6001_b4b8_b615_564a, 0x2682_e617_0202_17e0),
    Fp(0x68c3_4889_12ed_efaa, 0x8d08_7f68_72aa_bf4f, 0x51e1_a247_0908_1231, 0x2259_d6b1_4729_c0fa),
    Fp(0x7193_0c11_d782_e155, 0xa6bb_947c_ffbe_3323, 0xaa30_3344_d474_1444, 0x2c3b_3f0d_2659_4943),
    Fp(0x08cf_c388_c494_f1ab, 0x19b3_1514_8d13_73d4, 0x584e_90fd_cb6c_0213, 0x09e1_685b_df2f_8849)
  )

  /// γ_{3,i} = ξ^(i (p^3 - 1) / 6), i = 1...5.
  static let frobeniusGamma3: (Fp2, Fp2, Fp2, Fp2, Fp2) = (
    Fp2(
      Fp(
        0x3653_1618_4e46_d97d, 0x0af7_129e_d4c9_6d9f, 0x659d_a72f_ca10_09b5, 0x0811_6d89_83a2_0d23),
      Fp(0xb1df_4af7_c39c_1939, 0x3d9f_0287_8a73_bf7f, 0x9b22_2092_8caf_0ae0, 0x2668_4515_eff0_54a6)
    ),
    Fp2(
      Fp(
        0xc9af_22f7_16ad_6bad, 0xb311_782a_4aa6_62b2, 0x19ee_af64_e248_c7f4, 0x2027_3e77_e343_9f82),
      Fp(0xacc0_2860_f7ce_93ac, 0x3933_d581_7ba7_6b4c, 0x69e6_188b_446c_8467, 0x0a46_036d_4417_cc55)
    ),
    Fp2(
      Fp(
        0x5764_af0a_af46_471e, 0xdc50_792e_873e_0fc1, 0x86a6_73ff_881d_04f6, 0x0b2e_ddb4_3c30_a74c),
      Fp(0x9a49_0f32_787e_8580, 0x8fd1_6d7f_f04a_f8b1, 0x4b39_888e_c602_7bf2, 0x03dd_2e70_5b52_a15d)
    ),
    Fp2(
      Fp(
        0x448a_93a5_7b67_62df, 0xbfd6_2df5_28fd_eadf, 0xd858_f5d0_0e9b_d47a, 0x06b0_3d4d_3476_ec58),
      Fp(0x2b19_daf4_bcc9_36d1, 0xa1a5_4e7a_56f4_299f, 0xb533_eee0_5ade_aef1, 0x170c_812b_84dd_a0b2)
    ),
    Fp2(
      Fp(
        0xe0bc_4b22_75cf_559f, 0xc238_b945_c154_e60f, 0x8039_82a5_929a_7d5e, 0x15ce_052d_f7e4_a37e),
      Fp(0x2d28_efbd_bf37_99a7, 0x9b09_7e3c_1ad6_0773, 0x982d_4113_af4a_535b, 0x24e1_8991_e305_6063)
    )
  )
}
