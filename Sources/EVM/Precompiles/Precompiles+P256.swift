import EVMCrypto
import EVMPrimitives

extension Precompiles {
  /// P256VERIFY (0x100, EIP-7951, Osaka): 6 900 gas whatever the input; an
  /// invalid input or signature returns empty output, never a failure.
  static let p256VerifyPrecompile = Precompile(name: "p256verify", isImplemented: true) {
    input, gas, _ in
    charge(gas, Int64(P256Verify.gas)) { P256Verify.run(input: input) }
  }
}
