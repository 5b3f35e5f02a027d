import EVMCrypto
import EVMPrimitives

extension Precompiles {
  /// alt_bn128 addition and scalar multiplication (EIP-196; EIP-1108 prices).
  static func bnPrecompile(_ name: String, fixedGas: @escaping @Sendable (Fork) -> Int64) -> Precompile {
    pending(name)
  }

  /// alt_bn128 pairing check (EIP-197; EIP-1108 prices).
  static let bnPairing = pending("bn254_pairing")
}
