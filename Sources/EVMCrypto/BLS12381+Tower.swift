// The BLS12-381 tower constants: ξ = 1 + u and the M-type twist
// y^2 = x^3 + 4ξ; the Frobenius coefficients are generated constants.

extension BLS12381 {
  enum Tower: PairingTower {
    typealias BaseModulus = BLS12381.BaseModulus

    static var isDTypeTwist: Bool { false }

    /// Multiplication by ξ = 1 + u: `(c0 - c1) + (c0 + c1) u`.
    @inline(__always)
    static func mulByNonResidue(_ a: Fp2) -> Fp2 { Fp2(a.c0 - a.c1, a.c0 + a.c1) }

    static var twistB: Fp2 { BLS12381.twistB }

    /// b' = 4ξ: `4 (ξ a)` by additions.
    @inline(__always)
    static func mulByTwistB(_ a: Fp2) -> Fp2 { mulByNonResidue(a).doubled().doubled() }
    static var frobeniusGamma1: (Fp2, Fp2, Fp2, Fp2, Fp2) { BLS12381.frobeniusGamma1 }
    static var frobeniusGamma2: (Fp, Fp, Fp, Fp, Fp) { BLS12381.frobeniusGamma2 }
  }
}
