// The fields of BLS12-381: Fp on six 64-bit limbs (p < 2^381) and the tower
// constants (ξ = 1 + u), instances of the generic Montgomery field and
// extension tower.

extension BLS12381 {
  /// p = 0x1a0111ea…ffffaaab (381 bits).
  enum BaseModulus: MontgomeryModulus {
    typealias LimbArray = Limbs<6>
    @inline(__always)
    static var modulus: LimbArray {
      Limbs([
        0xb9fe_ffff_ffff_aaab, 0x1eab_fffe_b153_ffff, 0x6730_d2a0_f6b0_f624,
        0x6477_4b84_f385_12bf, 0x4b1b_a7b6_434b_acd7, 0x1a01_11ea_397f_e69a,
      ])
    }
    @inline(__always)
    static var inverseModulus: UInt64 { 0x89f3_fffc_fffc_fffd }
    @inline(__always)
    static var rModP: LimbArray {
      Limbs([
        0x7609_0000_0002_fffd, 0xebf4_000b_c40c_0002, 0x5f48_9857_53c7_58ba,
        0x77ce_5853_7052_5745, 0x5c07_1a97_a256_ec6d, 0x15f6_5ec3_fa80_e493,
      ])
    }
    @inline(__always)
    static var r2ModP: LimbArray {
      Limbs([
        0xf4df_1f34_1c34_1746, 0x0a76_e6a6_09d1_04f1, 0x8de5_476c_4c95_b6d5,
        0x67eb_88a9_939d_83c0, 0x9a79_3e85_b519_952d, 0x1198_8fe5_92ca_e3aa,
      ])
    }
  }

  typealias Fp = MontgomeryField<BaseModulus>
  typealias Fp2 = TowerFp2<Tower>
  typealias Fp6 = TowerFp6<Tower>
  typealias Fp12 = TowerFp12<Tower>
}
