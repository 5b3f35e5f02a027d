import EVMCrypto
import EVMPrimitives

extension Precompiles {
  /// KZG point evaluation (0x0a, EIP-4844, Cancun): 50 000 gas; a wrong
  /// length, versioned-hash mismatch or failing proof consumes all gas.
  static let pointEvaluation = Precompile(name: "point_evaluation", isImplemented: true) {
    input, gas, _ in
    guard input.count == 192 else { return failure() }
    return chargeThrowing(gas, KZGPointEvaluation.gas) { () throws(PrecompileError) in
      try KZGPointEvaluation.run(input: input)
    }
  }
}
