// The BN254 tower constants: ξ = 9 + u, the D-type twist y^2 = x^3 + 3/ξ,
// and the Frobenius coefficients.

extension BN254 {
  enum Tower: PairingTower {
    typealias BaseModulus = BN254.BaseModulus

    static var isDTypeTwist: Bool { true }

    /// Multiplication by ξ = 9 + u: `(9 c0 - c1) + (9 c1 + c0) u`.
    @inline(__always)
    static func mulByNonResidue(_ a: Fp2) -> Fp2 {
      let a8 = a.c0.doubled().doubled().doubled()
      let b8 = a.c1.doubled().doubled().doubled()
      return Fp2(a8 + a.c0 - a.c1, b8 + a.c1 + a.c0)
    }

    /// b' = 3 / ξ.
    static let twistB = Fp2(
      Fp(
        0x3bf9_38e3_77b8_02a8, 0x020b_1b27_3633_535d, 0x26b7_edf0_4975_5260, 0x2514_c632_4384_a86d),
      Fp(0x38e7_eccc_d1dc_ff67, 0x65f0_b37d_93ce_0d3e, 0xd749_d0dd_22ac_00aa, 0x0141_b9ce_4a68_8d4d)
    )

    /// γ_{1,i} = ξ^(i (p - 1) / 6), i = 1...5.
    static let frobeniusGamma1: (Fp2, Fp2, Fp2, Fp2, Fp2) = (
      Fp2(
        Fp(
          0xaf9b_a696_3314_4907, 0xca6b_1d73_87af_b78a, 0x11bd_ed5e_f08a_2087, 0x02f3_4d75_1a1f_3a7c
        ),
        Fp(
          0xa222_ae23_4c49_2d72, 0xd00f_02a4_565d_e15b, 0xdc2f_f3a2_53df_c926, 0x10a7_5716_b389_9551
        )
      ),
      Fp2(
        Fp(
          0xb577_3b10_4563_ab30, 0x347f_91c8_a9aa_6454, 0x7a00_7127_242e_0991, 0x1956_bcd8_1182_14ec
        ),
        Fp(
          0x6e84_9f1e_a0aa_4757, 0xaa1c_7b6d_89f8_9141, 0xb6e7_13cd_fae0_ca3a, 0x2669_4fbb_4e82_ebc3
        )
      ),
      Fp2(
        Fp(
          0xe4bb_dd0c_2936_b629, 0xbb30_f162_e133_bacb, 0x31a9_d1b6_f964_5366, 0x2535_70be_a500_f8dd
        ),
        Fp(
          0xa1d7_7ce4_5ffe_77c7, 0x07af_fd11_7826_d1db, 0x6d16_bd27_bb7e_dc6b, 0x2c87_2002_85de_fecc
        )
      ),
      Fp2(
        Fp(
          0x7361_d77f_843a_be92, 0xa5bb_2bd3_2734_11fb, 0x9c94_1f31_4b3e_2399, 0x15df_9cdd_bb9f_d3ec
        ),
        Fp(
          0x5ddd_fd15_4bd8_c949, 0x62cb_29a5_a444_5b60, 0x37bc_870a_0c7d_d2b9, 0x2483_0a9d_3171_f0fd
        )
      ),
      Fp2(
        Fp(
          0xc970_692f_4169_0fe7, 0xe240_3421_2769_4b0b, 0x32be_e66b_83c4_59e8, 0x12aa_bced_0ab0_8841
        ),
        Fp(
          0x0d48_5d23_40ae_bfa9, 0x0519_3418_ab2f_cc57, 0xd3b0_a40b_8a49_10f5, 0x2f21_ebb5_35d2_925a
        )
      )
    )

    /// γ_{2,i} = ξ^(i (p^2 - 1) / 6), i = 1...5 (all in Fp).
    static let frobeniusGamma2: (Fp, Fp, Fp, Fp, Fp) = (
      Fp(
        0xca8d_8005_00fa_1bf2, 0xf0c5_d614_68b3_9769, 0x0e20_1271_ad0d_4418, 0x0429_0f65_bad8_56e6),
      Fp(
        0x3350_c88e_13e8_0b9c, 0x7dce_557c_db5e_56b9, 0x6001_b4b8_b615_564a, 0x2682_e617_0202_17e0),
      Fp(
        0x68c3_4889_12ed_efaa, 0x8d08_7f68_72aa_bf4f, 0x51e1_a247_0908_1231, 0x2259_d6b1_4729_c0fa),
      Fp(
        0x7193_0c11_d782_e155, 0xa6bb_947c_ffbe_3323, 0xaa30_3344_d474_1444, 0x2c3b_3f0d_2659_4943),
      Fp(0x08cf_c388_c494_f1ab, 0x19b3_1514_8d13_73d4, 0x584e_90fd_cb6c_0213, 0x09e1_685b_df2f_8849)
    )
  }
}
