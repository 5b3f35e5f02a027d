import EVMCrypto
import EVMPrimitives

extension Precompiles {
  /// Charges `cost`, then runs a core that may reject its input (all gas consumed).
  static func chargeThrowing(
    _ gas: Int64, _ cost: UInt64, _ body: () throws(PrecompileError) -> [UInt8]
  ) -> MessageResult {
    guard cost <= UInt64(gas) else {
      return MessageResult(status: .failure(.outOfGas), gasLeft: 0, output: [])
    }
    do {
      let output = try body()
      return MessageResult(status: .success, gasLeft: gas - Int64(cost), output: output)
    } catch {
      return failure()
    }
  }

  /// alt_bn128 addition (0x06, EIP-196; EIP-1108 prices).
  static let bnAdd = Precompile(name: "bn254_add", isImplemented: true) { input, gas, fork in
    chargeThrowing(gas, BN254.addGas(fork: fork)) { () throws(PrecompileError) in
      try BN254.add(input: input)
    }
  }

  /// alt_bn128 scalar multiplication (0x07).
  static let bnMul = Precompile(name: "bn254_mul", isImplemented: true) { input, gas, fork in
    chargeThrowing(gas, BN254.mulGas(fork: fork)) { () throws(PrecompileError) in
      try BN254.mul(input: input)
    }
  }

  /// alt_bn128 pairing check (0x08, EIP-197).
  static let bnPairing = Precompile(name: "bn254_pairing", isImplemented: true) {
    input, gas, fork in
    guard input.count % 192 == 0 else { return failure() }
    return chargeThrowing(gas, BN254.pairingGas(pairs: input.count / 192, fork: fork)) {
      () throws(PrecompileError) in try BN254.pairingCheck(input: input)
    }
  }
}
