// The fields of alt_bn128 (BN254): Fp on four 64-bit limbs and the tower
// constants (ξ = 9 + u), instances of the generic Montgomery field and
// extension tower.

extension BN254 {
  /// p = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47 (254 bits).
  enum BaseModulus: MontgomeryModulus {
    typealias LimbArray = Limbs<4>
    @inline(__always)
    static var modulus: LimbArray {
      Limbs([
        0x3c20_8c16_d87c_fd47, 0x9781_6a91_6871_ca8d, 0xb850_45b6_8181_585d, 0x3064_4e72_e131_a029,
      ])
    }
    @inline(__always)
    static var inverseModulus: UInt64 { 0x87d2_0782_e486_6389 }
    @inline(__always)
    static var rModP: LimbArray {
      Limbs([
        0xd35d_438d_c58f_0d9d, 0x0a78_eb28_f5c7_0b3d, 0x666e_a36f_7879_462c, 0x0e0a_77c1_9a07_df2f,
      ])
    }
    @inline(__always)
    static var r2ModP: LimbArray {
      Limbs([
        0xf32c_fc5b_538a_fa89, 0xb5e7_1911_d445_01fb, 0x47ab_1eff_0a41_7ff6, 0x06d8_9f71_cab8_351f,
      ])
    }
  }

  typealias Fp = MontgomeryField<BaseModulus>
  typealias Fp2 = TowerFp2<Tower>
  typealias Fp6 = TowerFp6<Tower>
  typealias Fp12 = TowerFp12<Tower>
}
